/** `recur bench`: runs the recur repository's benchmark harness (bench/dist/main.js). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from './context.js';
import { CliUserError } from '../errors.js';

/** Find `bench/dist/main.js` from the current directory upwards, then from this package upwards. */
export function findBench(start: string[]): { harness: string | null; repo: string | null } {
  let repo: string | null = null;
  for (const s of start) {
    let dir = resolve(s);
    for (;;) {
      if (existsSync(join(dir, 'bench', 'package.json'))) {
        repo ??= dir;
        const harness = join(dir, 'bench', 'dist', 'main.js');
        if (existsSync(harness)) return { harness, repo: dir };
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return { harness: null, repo };
}

/** `recur bench [args...]`. */
export async function benchCommand(ctx: CommandContext): Promise<void> {
  const here = typeof __filename === 'string' ? dirname(__filename) : dirname(fileURLToPath(import.meta.url));
  const { harness, repo } = findBench([process.cwd(), here]);
  if (!harness) {
    throw new CliUserError(
      repo
        ? `The benchmark harness is not built in ${repo}: run \`pnpm build\` (or \`pnpm bench\`, which builds and runs it).`
        : 'The benchmarks live in the recur repository (bench/): clone https://github.com/recur-js/recur, then run `pnpm install && pnpm bench` there.',
    );
  }
  ctx.out.status(ctx.out.color.dim(`running ${harness} ${ctx.args.join(' ')}`));
  const code = await new Promise<number>((res, rej) => {
    // The harness expects the repository root as its working directory (as `pnpm bench` runs it).
    const child = spawn(process.execPath, [harness, ...ctx.args], { stdio: 'inherit', cwd: repo ?? process.cwd() });
    child.on('error', rej);
    child.on('exit', (c, sig) => res(c ?? (sig ? 2 : 0)));
  });
  ctx.setExitCode(code);
}
