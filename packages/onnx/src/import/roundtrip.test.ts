import { createCpuBackend } from '@recur/backend-cpu';
import { MODEL_FIXTURES } from '@recur/conformance';
import { createModel, type ModelConfigInput, type StateDict } from '@recur/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx, type OnnxExportOptions } from '../export/export-onnx.js';
import { decodeModelProto, encodeModelProto } from '../proto/onnx-codec.js';
import { fromOnnx, importOnnx } from './import-onnx.js';

const VARIANTS: OnnxExportOptions[] = [{}, { sequenceLens: true, states: true }, { batchFirst: true, opset: 14 }, { batchFirst: true, states: true, opset: 21 }];

describe('export → import gives the same model, bit for bit', () => {
  for (const f of MODEL_FIXTURES) {
    it(f.name, async () => {
      const backend = createCpuBackend();
      const model = createModel({ ...(f.config as unknown as ModelConfigInput), dropout: 0.25 }, { backend });
      try {
        model.loadStateDict(f.weights as unknown as StateDict);
        const original = await model.stateDict();
        const batch = { inputs: f.inputs, T: f.T, B: f.B, lengths: f.lengths };
        const expected = await model.predict(batch);
        for (const options of VARIANTS) {
          const bytes = await exportOnnx(model, options);
          const imported = fromOnnx(bytes);
          expect(imported.config, JSON.stringify(options)).toEqual(model.config);
          expect(imported.info.batchFirst).toBe(options.batchFirst ?? false);
          expect(imported.info.sequenceLens).toBe(options.sequenceLens ?? false);
          expect(imported.info.initialStates).toBe(options.states ?? false);
          expect(imported.info.opset).toBe(options.opset ?? 17);
          expect(Object.keys(imported.stateDict).sort()).toEqual(Object.keys(original).sort());
          for (const [name, t] of Object.entries(original)) {
            expect(imported.stateDict[name]!.shape, name).toEqual(t.shape);
            expect(Buffer.from(imported.stateDict[name]!.data.buffer).equals(Buffer.from(t.data.buffer)), `${name} bits`).toBe(true);
          }
          const again = await importOnnx(bytes, { backend });
          try {
            const p = await again.predict(batch);
            expect(Buffer.from(p.output.buffer).equals(Buffer.from(expected.output.buffer))).toBe(true);
            expect(Buffer.from(p.hN.buffer).equals(Buffer.from(expected.hN.buffer))).toBe(true);
          } finally {
            again.dispose();
          }
        }
        // Without recur's metadata the graph alone gives the same model (only dropout, a training
        // setting, is not in a graph).
        const proto = decodeModelProto(await exportOnnx(model));
        delete proto.metadata_props;
        const bare = fromOnnx(encodeModelProto(proto));
        expect(bare.config).toEqual({ ...model.config, dropout: 0 });
      } finally {
        model.dispose();
        backend.destroy();
      }
    });
  }
});
