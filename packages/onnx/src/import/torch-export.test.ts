/**
 * Importing what `torch.onnx.export` (opsets 14–18) writes: fixtures from tools/fixtures/generate_onnx.py,
 * with PyTorch's own outputs (float64 from the same float32 weights) as the reference.
 */
import { readFileSync } from 'node:fs';
import { createCpuBackend } from '@recur/backend-cpu';
import { compareArrays } from '@recur/conformance';
import type { ModelConfigInput } from '@recur/core';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxUnsupportedError } from '../errors.js';
import cases from '../__fixtures__/torch/cases.json';
import { fromOnnx, importOnnx } from './import-onnx.js';

interface TorchCase {
  name: string;
  file: string;
  opset?: number;
  batchFirst?: boolean;
  T?: number;
  B?: number;
  inputDims?: number[];
  input?: number[];
  expected?: number[];
  /** Cases whose graph takes the initial state as an input: h0 [L·D, B, H] and the expected final state. */
  h0?: number[];
  expectedH?: number[];
  config?: ModelConfigInput;
  refuse?: string;
}

const bytesOf = (file: string) => new Uint8Array(readFileSync(new URL(`../__fixtures__/torch/${file}`, import.meta.url)));

/** [B, T, F] → [T, B, F]. */
function timeMajor(a: ArrayLike<number>, B: number, T: number): Float32Array {
  const F = a.length / (T * B);
  const out = new Float32Array(a.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out[(t * B + b) * F + f] = a[(b * T + t) * F + f] as number;
  return out;
}

const worst = { rel: 0, where: '' };
afterAll(() => console.log(`worst recur vs PyTorch relative error on torch.onnx.export files: ${worst.rel.toExponential(2)} (${worst.where})`));

describe('importOnnx reads torch.onnx.export output', () => {
  for (const c of (cases as { cases: TorchCase[] }).cases) {
    const refused = c.refuse;
    if (refused) {
      it(`${c.name}: refused, naming ${c.refuse}`, () => {
        let error: unknown;
        try {
          fromOnnx(bytesOf(c.file), { file: c.file });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(OnnxUnsupportedError);
        const err = error as OnnxUnsupportedError;
        expect(err.code).toBe('E_ONNX_UNSUPPORTED');
        expect(err.message).not.toContain('\n');
        for (const name of refused.split(',')) expect(err.features.some((f) => f.op === name || f.attribute === name), `${name} in ${err.message}`).toBe(true);
      });
      continue;
    }
    it(`${c.name} (opset ${c.opset})`, async () => {
      const imported = fromOnnx(bytesOf(c.file));
      expect(imported.config).toMatchObject(c.config!);
      expect(imported.info.producerName).toBe('pytorch');
      expect(imported.info.opset).toBe(c.opset);
      const seq2seq = imported.config.kind === 'seq2seq';
      expect(imported.info.batchFirst).toBe(c.batchFirst);
      expect(imported.info.sequenceInput).toBe('x');
      expect(imported.info.initialStates).toBe(c.h0 !== undefined);
      if (c.h0) expect(imported.info.ignoredOutputs).toEqual(['h_n']);
      const backend = createCpuBackend();
      const model = await importOnnx(bytesOf(c.file), { backend });
      try {
        const T = c.T!;
        const B = c.B!;
        const inputs = c.batchFirst ? timeMajor(c.input!, B, T) : Float32Array.from(c.input!);
        const p = await model.predict({ inputs, T, B }, c.h0 ? { h: Float32Array.from(c.h0), c: null } : null);
        if (c.expectedH) expect(compareArrays(p.hN, c.expectedH, { atol: 0, rtol: 1e-5 }).relErr).toBeLessThanOrEqual(1e-5);
        const expected = seq2seq && c.batchFirst ? timeMajor(c.expected!, B, T) : c.expected!;
        const r = compareArrays(p.output, expected, { atol: 0, rtol: 1e-5 });
        if (r.relErr > worst.rel) Object.assign(worst, { rel: r.relErr, where: c.name });
        expect(r.relErr).toBeLessThanOrEqual(1e-5);
      } finally {
        model.dispose();
        backend.destroy();
      }
    });
  }
});
