/**
 * Flag values: command line first, then the `--config` file, then the defaults of the spec.
 * Every value is parsed and checked here, so commands get typed values or a one-line error.
 */
import { CliUserError } from './errors.js';
import { requireFile } from './data-source.js';
import { CLI_FILE_LIMITS, readTextFileSync } from './user-files.js';
import { GLOBAL_FLAGS, type CommandSpec, type FlagSpec } from './spec.js';

/** Resolved flag values of one command run. */
export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

/** Where each value came from (for messages). */
export type ValueSource = 'cli' | 'config' | 'default';

/** The flag's name as typed, for messages: `--lookback`. */
export function flagName(f: FlagSpec): string {
  return f.flag.split(/[ ,]/)[0]!;
}

function parseValue(f: FlagSpec, raw: unknown, from: ValueSource): string | number | boolean | string[] {
  const where = from === 'config' ? `"${f.name}" in the config file` : flagName(f);
  switch (f.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new CliUserError(`${where} must be true or false, got ${JSON.stringify(raw)}.`);
    case 'int': {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(v)) throw new CliUserError(`${where} must be an integer, got ${JSON.stringify(raw)}.`);
      if (v < 0) throw new CliUserError(`${where} must not be negative, got ${v}.`);
      return v;
    }
    case 'number': {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(v)) throw new CliUserError(`${where} must be a number, got ${JSON.stringify(raw)}.`);
      return v;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : null;
      if (!items) throw new CliUserError(`${where} must be a comma-separated list, got ${JSON.stringify(raw)}.`);
      const list = items.map((s) => s.trim()).filter((s) => s.length > 0);
      if (list.length === 0) throw new CliUserError(`${where} is empty.`);
      return list;
    }
    case 'string':
    case 'path': {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new CliUserError(`${where} must be a string, got ${JSON.stringify(raw)}.`);
      const s = String(raw);
      if (f.choices && !f.choices.includes(s)) throw new CliUserError(`${where} must be one of ${f.choices.join(', ')}; got "${s}".`);
      return s;
    }
  }
}

/** Read a `--config` file: its top-level flags overlaid by the section named after the command. */
export function readConfigFile(path: string, command: CommandSpec): Record<string, unknown> {
  requireFile(path, 'Config file');
  let json: unknown;
  try {
    json = JSON.parse(readTextFileSync(path, CLI_FILE_LIMITS.config));
  } catch (e) {
    throw new CliUserError(`Config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new CliUserError(`Config file ${path} must hold a JSON object of flags.`);
  const obj = json as Record<string, unknown>;
  const names = new Set([...command.flags, ...GLOBAL_FLAGS].map((f) => f.name));
  const section = obj[command.name];
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) continue; // another command's section
    merged[k] = v;
  }
  if (section !== undefined) {
    if (section === null || typeof section !== 'object' || Array.isArray(section)) throw new CliUserError(`Config file ${path}: "${command.name}" must be an object of flags.`);
    Object.assign(merged, section);
  }
  for (const k of Object.keys(merged)) {
    if (!names.has(k)) {
      // Top-level keys may belong to other commands; reject only unknown keys of this command's section.
      if (section && k in (section as object)) {
        throw new CliUserError(`Config file ${path}: unknown flag "${k}" for \`recur ${command.name}\`. Known: ${[...names].join(', ')}.`);
      }
      delete merged[k];
    }
  }
  delete merged.config;
  return merged;
}

/**
 * Check flag values stored in a file (a run's run.json): every key must be a flag of `command`
 * and every value must parse as that flag's type. Returns the parsed values.
 *
 * @param onError Turns (flag name, message) into the error to throw.
 */
export function checkStoredFlags(command: CommandSpec, stored: Record<string, unknown>, onError: (field: string, message: string) => Error): FlagValues {
  const specs = new Map([...command.flags, ...GLOBAL_FLAGS].map((f) => [f.name, f]));
  const out: FlagValues = {};
  for (const [k, v] of Object.entries(stored)) {
    const f = specs.get(k);
    if (f === undefined) throw onError(k, `"${k}" is not a flag of \`recur ${command.name}\`.`);
    if (v === undefined || v === null) continue;
    try {
      out[k] = parseValue(f, v, 'config');
    } catch (e) {
      throw onError(k, (e as Error).message.replace(`"${f.name}" in the config file`, `"${f.name}"`));
    }
  }
  return out;
}

/**
 * Resolve every flag of a command. `cli` holds the values commander parsed and `cliSource` says
 * which of them were typed on the command line.
 */
export function resolveFlags(command: CommandSpec, cli: Record<string, unknown>, isFromCli: (name: string) => boolean): { values: FlagValues; sources: Record<string, ValueSource> } {
  const flags = [...command.flags, ...GLOBAL_FLAGS];
  const configPath = isFromCli('config') ? String(cli.config) : undefined;
  const config = configPath !== undefined ? readConfigFile(configPath, command) : {};
  const values: FlagValues = {};
  const sources: Record<string, ValueSource> = {};
  for (const f of flags) {
    if (isFromCli(f.name) && cli[f.name] !== undefined) {
      values[f.name] = parseValue(f, cli[f.name], 'cli');
      sources[f.name] = 'cli';
    } else if (f.name in config && config[f.name] !== undefined && config[f.name] !== null) {
      values[f.name] = parseValue(f, config[f.name], 'config');
      sources[f.name] = 'config';
    } else if (f.default !== undefined) {
      values[f.name] = Array.isArray(f.default) ? [...(f.default as string[])] : (f.default as string | number | boolean);
      sources[f.name] = 'default';
    }
  }
  for (const f of command.flags) {
    if (f.required && values[f.name] === undefined) throw new CliUserError(`\`recur ${command.name}\` needs ${f.flag}. See \`recur ${command.name} --help\`.`);
  }
  return { values, sources };
}

/** Typed accessors over resolved values. */
export class Flags {
  constructor(
    readonly values: FlagValues,
    readonly sources: Record<string, ValueSource>,
  ) {}

  str(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined ? undefined : String(v);
  }

  reqStr(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw new CliUserError(`missing --${name}`);
    return v;
  }

  int(name: string): number {
    return this.values[name] as number;
  }

  num(name: string): number {
    return this.values[name] as number;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  list(name: string): string[] | undefined {
    return this.values[name] as string[] | undefined;
  }

  /** True when the user gave the flag (command line or config file). */
  given(name: string): boolean {
    return this.sources[name] === 'cli' || this.sources[name] === 'config';
  }

  /** A positive integer flag (≥ 1). */
  positive(name: string, flag: string): number {
    const v = this.int(name);
    if (!(v >= 1)) throw new CliUserError(`${flag} must be at least 1, got ${v}.`);
    return v;
  }
}
