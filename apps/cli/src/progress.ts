/**
 * A one-line progress bar on stderr with ETA, training loss and validation loss. It draws only on
 * a terminal (Output.interactive) and at most every 100 ms.
 */
import { formatDuration, formatNumber, type Output } from './output.js';

/** The progress bar of `recur train`. */
export class ProgressBar {
  private readonly out: Output;
  private readonly total: number;
  private readonly started = performance.now();
  private readonly startDone: number;
  private lastDraw = 0;
  private drawn = false;

  /** `total` steps; `done` already completed (a resumed run). */
  constructor(out: Output, total: number, done = 0) {
    this.out = out;
    this.total = Math.max(1, total);
    this.startDone = done;
  }

  /** Redraw with the current state (throttled unless `force`). */
  update(state: { done: number; epoch: number; epochs: number; loss: number | null; valLoss: number | null }, force = false): void {
    if (!this.out.interactive) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const c = this.out.color;
    const frac = Math.min(1, state.done / this.total);
    const elapsed = (now - this.started) / 1000;
    const rate = (state.done - this.startDone) / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - state.done) / rate : NaN;
    const info =
      ` ${String(Math.round(frac * 100)).padStart(3)}%  epoch ${state.epoch}/${state.epochs}` +
      `  loss ${state.loss === null ? '–' : formatNumber(state.loss)}` +
      `  val ${state.valLoss === null ? '–' : formatNumber(state.valLoss)}` +
      `  ETA ${Number.isFinite(eta) ? formatDuration(eta) : '…'}`;
    const width = Math.max(10, Math.min(30, this.out.columns - info.length - 4));
    const filled = Math.round(frac * width);
    const bar = c.green('█'.repeat(filled)) + c.dim('░'.repeat(width - filled));
    this.out.rawStatus(`\r${bar}${info}\x1b[K`);
    this.drawn = true;
  }

  /** Finish the line. */
  end(): void {
    if (this.drawn) this.out.rawStatus('\n');
    this.drawn = false;
  }
}
