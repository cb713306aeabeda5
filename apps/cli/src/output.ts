/**
 * Where the CLI writes: results on stdout (text or one JSON document), status and progress on
 * stderr only when it is a terminal. Colours follow NO_COLOR / FORCE_COLOR and the terminal.
 */
import pc from 'picocolors';

/** The streams the CLI writes to (injectable for tests). */
export interface Streams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** Colour helpers that are identity functions when colour is off. */
export type Colors = ReturnType<typeof pc.createColors>;

/** Output context of one command run. */
export class Output {
  readonly json: boolean;
  /** Status lines and progress bars go to stderr only on a terminal (and never with --json). */
  readonly interactive: boolean;
  readonly color: Colors;
  private readonly streams: Streams;

  constructor(streams: Streams, options: { json: boolean; env?: NodeJS.ProcessEnv }) {
    const env = options.env ?? process.env;
    this.streams = streams;
    this.json = options.json;
    this.interactive = !options.json && streams.stderr.isTTY === true;
    const noColor = 'NO_COLOR' in env && env.NO_COLOR !== undefined;
    const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
    const enabled = !noColor && (force || streams.stdout.isTTY === true) && env.TERM !== 'dumb';
    this.color = pc.createColors(enabled);
  }

  /** Width of the terminal for progress bars. */
  get columns(): number {
    return this.streams.stderr.columns ?? 80;
  }

  /** A result line on stdout (suppressed with --json). */
  print(text = ''): void {
    if (!this.json) this.streams.stdout.write(`${text}\n`);
  }

  /** A status line on stderr, only on a terminal. */
  status(text: string): void {
    if (this.interactive) this.streams.stderr.write(`${text}\n`);
  }

  /** Raw text on stderr when interactive (progress bars). */
  rawStatus(text: string): void {
    if (this.interactive) this.streams.stderr.write(text);
  }

  /** The one JSON document of a --json run. */
  emitJson(value: unknown): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A warning line on stderr (always, also with --json): `recur: warning: …`. */
  warn(text: string): void {
    this.streams.stderr.write(`recur: warning: ${text}\n`);
  }

  /** An error line on stderr (always). */
  error(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }
}

/** Format a table of rows as aligned columns. Numbers are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[], color?: Colors): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const head = header.map((h, i) => pad(h, i)).join('  ');
  const lines = [color ? color.bold(head.trimEnd()) : head.trimEnd(), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const r of cells) lines.push(r.map((c, i) => pad(c, i)).join('  ').trimEnd());
  return lines.join('\n');
}

/** Four significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
  return x.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** Seconds as `1m 05s` / `12s` / `0.4s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
