import { createCpuBackend } from '@recur/backend-cpu';
import { describe, expect, it } from 'vitest';
import { createModel } from '../model/model.js';
import { CheckpointError } from '../persistence/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../persistence/safetensors.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { fit } from './fit.js';

const backend = createCpuBackend();

async function genuine(): Promise<Uint8Array> {
  const m = createModel({ kind: 'seq2one', cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 }, { backend, seed: 1 });
  const batch = { inputs: Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => Math.sin(i)), T: 3, B: 2, targets: Float32Array.from([0.5, -0.5]) };
  let ckpt: Checkpoint | undefined;
  await fit(m, [batch, batch, batch], { epochs: 1, optimizer: { kind: 'adam', lr: 0.01 }, validation: [batch], earlyStopping: { patience: 2, restoreBest: true }, checkpoint: { every: 1 }, callbacks: { onCheckpoint: (c) => { ckpt = c; return c.step === 2 ? 'stop' : undefined; } } });
  m.dispose();
  return encodeCheckpoint(ckpt!);
}

function editMeta(bytes: Uint8Array, edit: (meta: Record<string, unknown>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const meta = JSON.parse(metadata.checkpoint!) as Record<string, unknown>;
  edit(meta);
  return encodeSafetensors(tensors, { ...metadata, checkpoint: JSON.stringify(meta) });
}

function failure(bytes: Uint8Array): CheckpointError {
  try {
    decodeCheckpoint(bytes, 'ckpt.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('decodeCheckpoint validates everything before use', () => {
  it('round-trips a genuine checkpoint', async () => {
    const bytes = await genuine();
    const c = decodeCheckpoint(bytes);
    expect(c.step).toBe(2);
    expect(encodeCheckpoint(c)).toEqual(bytes);
  });

  it('names the metadata field and what was expected', async () => {
    const bytes = await genuine();
    let e = failure(editMeta(bytes, (m) => delete m.earlyStopping));
    expect(e.field).toBe('earlyStopping');
    expect(e.code).toBe('E_CHECKPOINT');
    e = failure(editMeta(bytes, (m) => (m.history = 7)));
    expect(e.message).toMatch(/^ckpt\.safetensors: metadata field history: expected an array of epoch logs \(got 7\)/);
    // Found by the fuzz suite: a batch index out of range crashed `fit` on resume (reading 'T' of undefined).
    e = failure(editMeta(bytes, (m) => ((m.position as { order: number[] }).order = [0, 99, 2])));
    expect(e.field).toBe('position.order');
    expect(e.message).toMatch(/expected a permutation of 0\.\.n-1/);
    e = failure(editMeta(bytes, (m) => ((m.config as { hiddenSize: number }).hiddenSize = 1e9)));
    expect(e.message).toMatch(/field config\.hiddenSize: expected at most MODEL_LIMITS\.maxHiddenSize/);
  });

  it('checks tensors against the config, and the container itself', async () => {
    const bytes = await genuine();
    const { tensors, metadata } = decodeSafetensors(bytes);
    const t = { ...tensors };
    delete t['optim/head.bias.1'];
    t['optim/nothing.0'] = { shape: [1], data: new Float32Array(1) };
    expect(failure(encodeSafetensors(t, metadata)).message).toMatch(/optimizer buffer "optim\/nothing\.0" for no parameter/);
    const u = { ...tensors, 'model/rnn.weight_hh_l0': { shape: [9, 2], data: new Float32Array(18) } };
    expect(failure(encodeSafetensors(u, metadata)).message).toMatch(/tensor "model\/rnn\.weight_hh_l0" has shape \[9, 2\]; its config needs \[9, 3\]/);
    const text = metadata.checkpoint!;
    expect(failure(encodeSafetensors(tensors, { ...metadata, checkpoint: text.replace('{', '}') })).message).toMatch(/__metadata__\.checkpoint is not valid JSON/);
    expect(failure(bytes.slice(0, 100)).message).toMatch(/is not a readable checkpoint: .*truncated/);
    expect(failure(encodeSafetensors(tensors, { format: 'other' })).field).toBe('__metadata__.format');
  });
});
