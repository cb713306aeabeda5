/**
 * Files that ship beside the harness (ONNX fixtures, the PyTorch peer script), located from the
 * bench package root so they resolve the same from src/ (tests) and from the bundled dist/main.js.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findBenchRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the bench package root (with fixtures/) above ' + fileURLToPath(import.meta.url));
}

/** The bench/ folder. */
export const benchRoot = findBenchRoot();
/** A file under bench/. */
export const benchFile = (...parts: string[]) => join(benchRoot, ...parts);
/** The repository root. */
export const repoRoot = dirname(benchRoot);
