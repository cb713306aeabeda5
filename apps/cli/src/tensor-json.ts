/**
 * Raw-tensor JSON of `recur predict --input`: batch-first like PyTorch with `batch_first=True`.
 *
 *   IN   {"input": {"shape": [B, T, I], "data": [...]}, "h0": {"shape": [L·D, B, H], ...}, "c0": {...}}
 *   OUT  {"output": {...}, "h_n": {...}, "c_n": {...}}
 *
 * Core is time-major, so inputs are transposed [B, T, I] → [T, B, I] and sequence outputs back
 * [T, B, O] → [B, T, O]. States [L·D, B, H] have the same layout in both.
 */
import { hasCellState } from '@recur/backend';
import type { Model } from '@recur/core';
import { CliUserError } from './errors.js';

/** A JSON tensor. */
export interface JsonTensor {
  readonly shape: number[];
  readonly data: number[];
}

function tensorOf(value: unknown, name: string, file: string): { shape: number[]; data: Float32Array } {
  const v = value as { shape?: unknown; data?: unknown } | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.shape) || !Array.isArray(v.data)) {
    throw new CliUserError(`${file}: "${name}" must be {"shape": [...], "data": [...]}.`);
  }
  const shape = v.shape as unknown[];
  if (shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) throw new CliUserError(`${file}: "${name}".shape must be positive integers, got ${JSON.stringify(shape)}.`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  const flat = (v.data as unknown[]).flat(Infinity as 1) as unknown[];
  if (flat.length !== size) throw new CliUserError(`${file}: "${name}" has ${flat.length} values but its shape [${shape.join(', ')}] needs ${size}.`);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = flat[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new CliUserError(`${file}: "${name}".data[${i}] is ${JSON.stringify(x)}; values must be finite numbers.`);
    data[i] = x;
  }
  return { shape: shape as number[], data };
}

function jsonTensor(shape: number[], data: ArrayLike<number>): JsonTensor {
  return { shape, data: Array.from(data, Number) };
}

/** Run a model on the tensors of an IN.json document; returns the OUT.json document. */
export async function predictRaw(model: Model, doc: unknown, file: string): Promise<{ output: JsonTensor; h_n: JsonTensor; c_n?: JsonTensor }> {
  if (!doc || typeof doc !== 'object' || !('input' in doc)) throw new CliUserError(`${file}: expected {"input": {"shape": [B, T, I], "data": [...]}, "h0"?: ..., "c0"?: ...}.`);
  const d = doc as { input: unknown; h0?: unknown; c0?: unknown };
  const cfg = model.config;
  const x = tensorOf(d.input, 'input', file);
  const lm = cfg.kind === 'lm';
  const expectRank = lm ? 2 : 3;
  if (x.shape.length !== expectRank) throw new CliUserError(`${file}: "input" must have shape ${lm ? '[B, T] (token ids)' : `[B, T, ${cfg.inputSize}]`}, got [${x.shape.join(', ')}].`);
  const [B, T] = x.shape as [number, number];
  const I = lm ? 1 : x.shape[2]!;
  if (!lm && I !== cfg.inputSize) throw new CliUserError(`${file}: "input" has ${I} features per step but the model takes ${cfg.inputSize} (shape [B, T, ${cfg.inputSize}]).`);
  // [B, T, I] → [T, B, I]
  const inputs = new Float32Array(B * T * I);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let i = 0; i < I; i++) inputs[(t * B + b) * I + i] = x.data[(b * T + t) * I + i]!;
  const LD = cfg.numLayers * (cfg.bidirectional ? 2 : 1);
  const H = cfg.hiddenSize;
  const stateOf = (key: 'h0' | 'c0') => {
    if (d[key] === undefined || d[key] === null) return null;
    const s = tensorOf(d[key], key, file);
    if (s.shape.length !== 3 || s.shape[0] !== LD || s.shape[1] !== B || s.shape[2] !== H) {
      throw new CliUserError(`${file}: "${key}" must have shape [${LD}, ${B}, ${H}] (layers·directions, batch, hidden), got [${s.shape.join(', ')}].`);
    }
    return s.data;
  };
  const h0 = stateOf('h0');
  const c0 = stateOf('c0');
  const lstm = hasCellState(cfg.cell);
  if (c0 && !lstm) throw new CliUserError(`${file}: "c0" is only for LSTM models; this model is ${cfg.cell}.`);
  const state = h0 || c0 ? { h: h0 ?? new Float32Array(LD * B * H), c: lstm ? (c0 ?? new Float32Array(LD * B * H)) : null } : null;
  const p = await model.predict({ inputs, T, B }, state);
  let output: JsonTensor;
  if (cfg.kind === 'seq2one') {
    output = jsonTensor([B, model.outputSize], p.output);
  } else {
    // [T, B, O] → [B, T, O]
    const O = model.outputSize;
    const o = new Float64Array(B * T * O);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let k = 0; k < O; k++) o[(b * T + t) * O + k] = p.output[(t * B + b) * O + k] as number;
    output = jsonTensor([B, T, O], o);
  }
  const result: { output: JsonTensor; h_n: JsonTensor; c_n?: JsonTensor } = { output, h_n: jsonTensor([LD, B, H], p.hN) };
  if (p.cN) result.c_n = jsonTensor([LD, B, H], p.cN);
  return result;
}
