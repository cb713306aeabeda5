/**
 * @recur/cli: the `recur` command. The executable is `dist/bin.js`; this entry exports the command
 * definitions as plain data (for generated docs) and a programmatic runner.
 *
 * @packageDocumentation
 */
export { COMMANDS, GLOBAL_FLAGS, findCommand, type ArgumentSpec, type CommandSpec, type ExampleSpec, type FlagSpec, type FlagType } from './spec.js';
export { EXIT } from './errors.js';
export { runCli, VERSION, type RunOptions } from './cli.js';
