/**
 * The `recur` program: builds a commander parser from the command table (spec.ts), resolves
 * flags (command line, then --config, then defaults), runs the command and maps errors to exit
 * codes: 0 success, 1 user error (one line, no stack), 2 internal error.
 */
import { Command, CommanderError, Option } from 'commander';
import { classifyError, CliUserError, EXIT } from './errors.js';
import { Flags, resolveFlags } from './options.js';
import { Output, type Streams } from './output.js';
import { COMMANDS, GLOBAL_FLAGS, type CommandSpec, type FlagSpec } from './spec.js';
import { HANDLERS } from './commands/index.js';

export type { CommandContext, CommandHandler } from './commands/context.js';

/** Options of {@link runCli}. */
export interface RunOptions {
  readonly streams?: Streams;
  readonly env?: NodeJS.ProcessEnv;
}

/** The version printed by `recur --version`. */
export const VERSION = '0.1.0';

function helpExamples(spec: CommandSpec): string {
  if (spec.examples.length === 0) return '';
  const lines = spec.examples.map((e) => `  $ ${e.command}\n      ${e.description}`);
  return `\nExamples:\n${lines.join('\n')}\n`;
}

function addFlag(cmd: Command, f: FlagSpec): void {
  const def = f.default !== undefined && f.type !== 'boolean' ? ` (default: ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)})` : '';
  const opt = new Option(f.flag, `${f.description}${def}`);
  if (f.choices) opt.choices([...f.choices]);
  cmd.addOption(opt);
}

/** Run `recur` with the arguments after the program name. Resolves to the exit code. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const streams: Streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const env = options.env ?? process.env;
  const wantsJson = argv.includes('--json');
  const debug = argv.includes('--debug');
  let exitCode: number = EXIT.ok;
  let ran: Promise<void> | null = null;

  const program = new Command('recur');
  program
    .description('recur: recurrent neural networks (RNN, LSTM, GRU) from the command line.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: (s, write) => write(s.split('\n')[0]!.replace(/^error: /, 'recur: ') + '\n'),
    })
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .addHelpText('after', `\nRun \`recur <command> --help\` for a command's flags and examples.\n`);

  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).summary(spec.summary).description(spec.description);
    for (const a of spec.aliases ?? []) cmd.alias(a);
    for (const a of spec.arguments) cmd.argument(a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`, a.description);
    for (const f of spec.flags) addFlag(cmd, f);
    for (const f of GLOBAL_FLAGS) addFlag(cmd, f);
    cmd.addHelpText('after', helpExamples(spec));
    cmd.exitOverride();
    if (spec.name === 'bench') cmd.allowUnknownOption(true).passThroughOptions(true);
    cmd.action((...actionArgs: unknown[]) => {
      const command = actionArgs[actionArgs.length - 1] as Command;
      const parsed = command.opts() as Record<string, unknown>;
      const positional = (command.processedArgs as unknown[]).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a.map(String) : [String(a)]));
      ran = (async () => {
        const out = new Output(streams, { json: parsed.json === true, env });
        const { values, sources } = resolveFlags(spec, parsed, (name) => command.getOptionValueSource(name) === 'cli');
        const handler = HANDLERS[spec.name];
        if (!handler) throw new Error(`no handler for ${spec.name}`);
        await handler({
          spec,
          flags: new Flags(values, sources),
          args: positional,
          out,
          env,
          setExitCode: (c) => {
            exitCode = c;
          },
        });
      })();
    });
  }

  try {
    if (argv.length === 0) {
      streams.stdout.write(program.helpInformation());
      return EXIT.ok;
    }
    await program.parseAsync([...argv], { from: 'user' });
    if (ran) await ran;
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help / --version print and exit 0; parse errors were printed as one line by outputError.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.user;
    }
    const c = classifyError(e);
    if (wantsJson) streams.stdout.write(`${JSON.stringify({ error: { code: c.code, message: c.message, exitCode: c.exitCode } }, null, 2)}\n`);
    streams.stderr.write(`recur: ${c.message}\n`);
    if (debug && e instanceof Error && e.stack) streams.stderr.write(`${e.stack}\n`);
    return c.exitCode;
  }
}

export { CliUserError };
