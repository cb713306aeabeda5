/**
 * Moving a model between backends (`model.to`): parameters are read from the old backend and
 * uploaded to the new one, in order, so training continues where it was.
 */
import type { Backend, FloatArray } from '@recur/backend';
import type { Parameter } from '../nn/parameter.js';
import { checkHiddenSize } from './hidden-size.js';

/** Move every parameter's value from `prev` to `next` (reads all first, then uploads). */
export async function moveParameters(parameters: readonly Parameter[], prev: Backend, next: Backend, hiddenSize: number): Promise<void> {
  checkHiddenSize(next, hiddenSize);
  const values: FloatArray[] = [];
  for (const p of parameters) values.push(await prev.read(p.value));
  parameters.forEach((p, i) => {
    const v = next.upload(values[i] as FloatArray, p.shape);
    p.dispose(prev);
    p.value = v;
  });
}
