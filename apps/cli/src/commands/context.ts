/**
 * What every command handler receives, and the handler type. In its own module so that commands
 * and cli.ts (which imports the command table) never import each other.
 */
import type { Flags } from '../options.js';
import type { Output } from '../output.js';
import type { CommandSpec } from '../spec.js';

/** What a command handler receives. */
export interface CommandContext {
  readonly spec: CommandSpec;
  readonly flags: Flags;
  readonly args: readonly string[];
  readonly out: Output;
  readonly env: NodeJS.ProcessEnv;
  /** Set the process exit code (default 0) without throwing. */
  setExitCode(code: number): void;
}

/** A command implementation. */
export type CommandHandler = (ctx: CommandContext) => Promise<void>;
