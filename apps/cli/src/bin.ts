/** The `recur` executable. */
import { runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly (some backends keep handles open), after stdout has drained.
    process.stdout.write('', () => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`recur: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
