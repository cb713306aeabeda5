/** Loading a model directory for a command (with one-line errors for missing or corrupted ones). */
import { loadModel, readModel, type Model, type ModelContents } from '@recur/core';
import { resolveBackendFlag } from './backends.js';
import { requireDir } from './data-source.js';
import type { Output } from './output.js';

/** A loaded model and its directory contents. */
export interface LoadedModel {
  readonly model: Model;
  readonly contents: ModelContents;
  readonly backendName: string;
}

/** Load `dir` on the backend named by `--backend` (checksums verified by core). */
export async function openModel(dir: string, backendFlag: string, out: Output): Promise<LoadedModel> {
  requireDir(dir, 'Model directory');
  const contents = await readModel(dir);
  const { backend, chosen, auto } = await resolveBackendFlag(backendFlag);
  if (auto) out.status(out.color.dim(`backend: ${chosen} (auto)`));
  const model = await loadModel(dir, { backend });
  return { model, contents, backendName: chosen };
}
