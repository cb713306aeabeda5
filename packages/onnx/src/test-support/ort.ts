/** Test helper: run ONNX bytes with onnxruntime-node (CPU) and return every output as Float32Array. */
import * as ort from 'onnxruntime-node';

export type OrtFeed = Record<string, { type: 'float32' | 'int32' | 'int64'; data: ArrayLike<number>; dims: number[] }>;

export async function runOrt(bytes: Uint8Array, feeds: OrtFeed): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      const data =
        f.type === 'float32' ? Float32Array.from(f.data) : f.type === 'int32' ? Int32Array.from(f.data) : BigInt64Array.from(Array.from(f.data, (v) => BigInt(v)));
      inputs[name] = new ort.Tensor(f.type, data, f.dims);
    }
    const result = await session.run(inputs);
    const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [name, t] of Object.entries(result)) out[name] = { data: t.data as Float32Array, dims: t.dims };
    return out;
  } finally {
    await session.release();
  }
}
