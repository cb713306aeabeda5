/**
 * End to end through the built `recur` binary: import-onnx of a `torch.onnx.export` file, predict
 * against PyTorch's outputs, export-onnx, import the export again, and one-line errors for bad files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, ensureBuilt, recur } from './harness.js';

const TORCH_FIXTURES = join(REPO_ROOT, 'packages', 'onnx', 'src', '__fixtures__', 'torch');
let work: string;

interface TorchCase {
  name: string;
  file: string;
  inputDims: number[];
  input: number[];
  outputDims: number[];
  expected: number[];
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'recur-onnx-e2e-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function predict(dir: string, input: string): { shape: number[]; data: number[] } {
  const r = recur(['predict', '--model', dir, '--input', input, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { output: { shape: number[]; data: number[] } }).output;
}

function relErr(actual: number[], expected: number[]): number {
  let diff = 0;
  let scale = 0;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i]! - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return diff / scale;
}

describe('recur import-onnx / export-onnx', () => {
  const cases = JSON.parse(readFileSync(join(TORCH_FIXTURES, 'cases.json'), 'utf8')) as { cases: TorchCase[] };
  const fx = cases.cases.find((c) => c.name === 'lstm-stacked-bidirectional-h_n-tanh')!;

  it('imports a torch.onnx.export file, predicts like PyTorch, exports and re-imports to the same outputs', () => {
    const dir = join(work, 'imported');
    const imp = recur(['import-onnx', join(TORCH_FIXTURES, fx.file), '--out', dir]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/Imported lstm \(2 layers, bidirectional, hidden 4, head 2 \+ tanh, seq2one\) from pytorch opset 18/);
    const input = join(work, 'in.json');
    writeFileSync(input, JSON.stringify({ input: { shape: fx.inputDims, data: fx.input } })); // batch-first [B, T, I]
    const first = predict(dir, input);
    expect(first.shape).toEqual(fx.outputDims);
    expect(relErr(first.data, fx.expected)).toBeLessThanOrEqual(1e-5);

    const file = join(work, 'exported.onnx');
    const exp = recur(['export-onnx', '--model', dir, '--out', file, '--states', '--opset', '14', '--json']);
    expect(exp.code, exp.stderr).toBe(0);
    const report = JSON.parse(exp.stdout) as { bytes: number; opset: number; inputs: string[]; outputs: string[] };
    expect(report).toMatchObject({ opset: 14, inputs: ['input', 'initial_h', 'initial_c'], outputs: ['output', 'final_h', 'final_c'] });
    expect(readFileSync(file).length).toBe(report.bytes);

    const again = join(work, 'reimported');
    expect(recur(['import-onnx', file, '--out', again]).code).toBe(0);
    expect(predict(again, input).data).toEqual(first.data);
  });

  it('bad files: exit code 1 and one line', () => {
    const truncated = join(work, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(join(TORCH_FIXTURES, fx.file)).subarray(0, 500));
    const cases: [string[], RegExp][] = [
      [['import-onnx', truncated, '--out', join(work, 'x')], /truncated\.onnx: not a readable ONNX model/],
      [['import-onnx', join(TORCH_FIXTURES, 'lstm-layernorm.onnx'), '--out', join(work, 'y')], /LayerNormalization/],
      [['import-onnx', join(TORCH_FIXTURES, 'lstm-input-forget-peepholes.onnx'), '--out', join(work, 'z')], /input_forget.*peephole/],
      [['import-onnx', join(work, 'missing.onnx'), '--out', join(work, 'w')], /ONNX file not found/],
      [['export-onnx', '--model', join(work, 'imported'), '--out', join(work, 'o.onnx'), '--opset', '9'], /opset: must be one of 14/],
    ];
    for (const [args, pattern] of cases) {
      const r = recur(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
