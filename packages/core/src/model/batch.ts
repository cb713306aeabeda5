/**
 * Batches: host data for one forward pass, time-major like the backend kernels.
 */
import { InvalidArgumentError, ShapeError } from '@recur/backend';

/**
 * One batch of sequences, **time-major**.
 *
 * - `inputs`: seq2one/seq2seq: features [T, B, I] flattened; lm: token ids [T, B].
 * - `lengths`: optional per-sequence lengths (B entries, 1..T). Steps at t ≥ lengths[b] are padding:
 *   they change no output, state, loss or gradient.
 * - `targets`: seq2one: [B, O] (or [B] class ids for cross-entropy); seq2seq: [T, B, O] (or [T, B]
 *   class ids); lm: next-token ids [T, B].
 */
export interface Batch {
  readonly inputs: ArrayLike<number>;
  readonly T: number;
  readonly B: number;
  readonly lengths?: ArrayLike<number> | null;
  readonly targets?: ArrayLike<number> | null;
}

/** Validate `lengths` (B entries, integers in 1..T); returns them as Int32Array, or null when absent or all equal T. */
export function resolveLengths(lengths: ArrayLike<number> | null | undefined, T: number, B: number): Int32Array | null {
  if (lengths === null || lengths === undefined) return null;
  if (lengths.length !== B) throw new ShapeError('lengths', [B], [lengths.length], 'Give one length per sequence in the batch.');
  const out = new Int32Array(B);
  let full = true;
  for (let b = 0; b < B; b++) {
    const v = lengths[b] as number;
    if (!Number.isInteger(v) || v < 1 || v > T) {
      throw new InvalidArgumentError('lengths', `lengths[${b}] = ${v}; each length must be an integer in [1, T=${T}].`);
    }
    out[b] = v;
    if (v !== T) full = false;
  }
  return full ? null : out;
}

/** Row weights [T·B] for per-step losses: 1 for real steps, 0 for padding. */
export function stepWeights(lengths: Int32Array, T: number, B: number): Float32Array {
  const w = new Float32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) w[t * B + b] = t < (lengths[b] as number) ? 1 : 0;
  return w;
}

/**
 * Build a padded, time-major {@link Batch} from batch-major sequences of varying length.
 *
 * @param sequences `sequences[b][t]` is a feature vector (number[]) or, for language models, a token id (number).
 * @param targets optional flat targets in the layout {@link Batch.targets} describes.
 */
export function batchFromSequences(sequences: readonly (readonly (number | readonly number[])[])[], targets?: ArrayLike<number> | null): Batch {
  const B = sequences.length;
  if (B === 0) throw new InvalidArgumentError('sequences', 'needs at least one sequence.');
  const lengths = sequences.map((s) => s.length);
  const T = Math.max(...lengths);
  if (lengths.some((l) => l === 0)) throw new InvalidArgumentError('sequences', 'every sequence needs at least one step.');
  const first = (sequences[0] as readonly (number | readonly number[])[])[0];
  const I = typeof first === 'number' ? 1 : (first as readonly number[]).length;
  const tokens = typeof first === 'number';
  const inputs = new Float32Array(T * B * I);
  for (let b = 0; b < B; b++) {
    const seq = sequences[b] as readonly (number | readonly number[])[];
    for (let t = 0; t < seq.length; t++) {
      const v = seq[t];
      if (tokens) {
        if (typeof v !== 'number') throw new InvalidArgumentError('sequences', `sequence ${b} mixes token ids and vectors.`);
        inputs[t * B + b] = v;
      } else {
        if (typeof v === 'number' || (v as readonly number[]).length !== I) {
          throw new ShapeError(`sequences[${b}][${t}]`, [I], typeof v === 'number' ? 'a number' : [(v as readonly number[]).length]);
        }
        inputs.set(v as readonly number[], (t * B + b) * I);
      }
    }
  }
  return { inputs, T, B, lengths: lengths.every((l) => l === T) ? null : lengths, targets: targets ?? null };
}
