/** Activations, their backward, and softmax against the float64 CPU reference. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ActivationKind, type Backend } from '@recur/backend';
import type { TfjsBackend } from '../index.js';
import { expectPairClose, randomArray, rng, upload2, withBackendPair } from '../compare.test-util.js';

let tfb: TfjsBackend;
let ref: Backend;
const r = rng(3);

withBackendPair((t, c) => {
  tfb = t;
  ref = c;
});

describe.each(['identity', 'tanh', 'sigmoid', 'relu'] as ActivationKind[])('activation %s', (op) => {
  it('forward and backward match, and stay finite for ±1000', async () => {
    const data = randomArray(r, 12, -4, 4);
    data[0] = 1000;
    data[1] = -1000;
    const x = upload2(tfb, ref, data, [3, 4]);
    const y = upload2(tfb, ref, new Float64Array(12), [3, 4]);
    const dy = upload2(tfb, ref, randomArray(r, 12), [3, 4]);
    const dx = upload2(tfb, ref, new Float64Array(12), [3, 4]);
    for (const [be, s] of [
      [tfb, 'tf'],
      [ref, 'ref'],
    ] as const) {
      be.activation({ op, x: x[s], out: y[s] });
      be.activationBackward({ op, y: y[s], dy: dy[s], dx: dx[s] });
    }
    await expectPairClose(tfb, ref, y, 'y');
    await expectPairClose(tfb, ref, dx, 'dx');
  });
});

describe('softmax', () => {
  it('matches with temperature, and is finite for huge logits', async () => {
    const data = randomArray(r, 15, -3, 3);
    data[0] = 1e4;
    const x = upload2(tfb, ref, data, [3, 5]);
    const out = upload2(tfb, ref, new Float64Array(15), [3, 5]);
    tfb.softmax({ x: x.tf, out: out.tf, rows: 3, cols: 5, temperature: 0.7 });
    ref.softmax({ x: x.ref, out: out.ref, rows: 3, cols: 5, temperature: 0.7 });
    await expectPairClose(tfb, ref, out, 'softmax');
  });

  it('rejects a non-positive temperature', () => {
    const t = tfb.alloc([2, 2]);
    expect(() => tfb.softmax({ x: t, out: t, rows: 2, cols: 2, temperature: 0 })).toThrow(InvalidArgumentError);
  });
});
