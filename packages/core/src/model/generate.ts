/**
 * Sampling from a language model: continue a prompt token by token through the streaming state.
 * Each token is drawn from softmax(logits / temperature) over the vocabulary V (temperature 0:
 * the argmax).
 */
import { InvalidArgumentError, type Backend, type FloatArray } from '@recur/backend';
import { Rng } from '../random/prng.js';
import type { ModelConfig } from './config.js';

/** What generation needs from a model: its config, backend and the streaming API. */
export interface GeneratingModel {
  readonly config: ModelConfig;
  readonly backend: Backend;
  step(x: ArrayLike<number>, batchSize?: number): Promise<FloatArray>;
  resetState(): void;
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Tokens to sample after the prompt. */
  readonly length: number;
  /** Softmax temperature (default 1; 0 picks the argmax). */
  readonly temperature?: number;
  /** Seed of the sampling PRNG (default 0). */
  readonly seed?: number;
}

/** Continue `prompt` (token ids) by `options.length` sampled tokens; uses, then resets, the stream. */
export async function generate(model: GeneratingModel, prompt: readonly number[], options: GenerateOptions): Promise<number[]> {
  if (model.config.kind !== 'lm') throw new InvalidArgumentError('generate', `needs a language model (kind 'lm'); this model is '${model.config.kind}'.`);
  if (prompt.length === 0) throw new InvalidArgumentError('prompt', 'needs at least one token.');
  if (!Number.isInteger(options.length) || options.length < 0) throw new InvalidArgumentError('length', `must be a non-negative integer, got ${options.length}.`);
  const temperature = options.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new InvalidArgumentError('temperature', `must be ≥ 0, got ${temperature}.`);
  const rng = new Rng(options.seed ?? 0);
  const V = model.config.vocabSize as number;
  const backend = model.backend;
  model.resetState();
  let logits: FloatArray = new Float32Array(V);
  for (const tok of prompt) logits = await model.step([tok], 1);
  const out: number[] = [];
  const probsT = backend.alloc([1, V]);
  const logitsT = backend.alloc([1, V]);
  try {
    for (let i = 0; i < options.length; i++) {
      let next = 0;
      if (temperature === 0) {
        for (let v = 1; v < V; v++) if ((logits[v] as number) > (logits[next] as number)) next = v;
      } else {
        backend.write(logitsT, logits);
        backend.softmax({ x: logitsT, out: probsT, rows: 1, cols: V, temperature });
        const probs = await backend.read(probsT);
        const u = rng.next();
        let acc = 0;
        next = V - 1;
        for (let v = 0; v < V; v++) {
          acc += probs[v] as number;
          if (u < acc) {
            next = v;
            break;
          }
        }
      }
      out.push(next);
      if (i < options.length - 1) logits = await model.step([next], 1);
    }
  } finally {
    backend.dispose(probsT);
    backend.dispose(logitsT);
    model.resetState();
  }
  return out;
}
