// The shared native kernels pass each addon call the element counts and resolved defaults it needs
// (a CUDA addon cannot check a device pointer's length, so the count it gets is the bound it keeps).
// A recording addon stands in for the native one; onednn's conformance suite runs the real thing.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Tensor } from '@recur/backend';
import { NATIVE_ACTIVATION_CODES, nativeElementwiseKernels, type NativeElementwiseAddon, type NativeKernelContext } from './index.js';

type Buf = string; // the "memory" of a tensor: its name

function context(): { k: NativeKernelContext<Buf, 'ctx'>; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const addon = new Proxy({} as NativeElementwiseAddon<Buf, 'ctx'>, {
    get: (_, name) => (...args: unknown[]) => void calls.push([name, ...args]),
  });
  const buf = (t: Tensor, what: string) => `${what}[${t.size}]`;
  return { k: { addon, ctx: () => 'ctx', live: buf, exact: buf, call: (fn) => fn() }, calls };
}

const t = (...shape: number[]): Tensor => ({ backendId: 'test', shape, size: shape.reduce((a, b) => a * b, 1), disposed: false });

describe('nativeElementwiseKernels', () => {
  const ew = nativeElementwiseKernels<NativeKernelContext<Buf, 'ctx'>>();

  it('passes element counts and resolved defaults to the addon', () => {
    const { k, calls } = context();
    ew.fill(k, t(2, 3), 0.5);
    ew.axpy(k, t(4), t(4), 2);
    ew.scale(k, t(5), 3);
    ew.mul(k, t(6), t(6), t(6));
    ew.clipByValue(k, t(7), 1);
    ew.sumSquares(k, t(8), t(1));
    ew.sumRows(k, t(2, 3), 2, 3, t(3));
    ew.activation(k, { op: 'sigmoid', x: t(9), out: t(9) });
    ew.activationBackward(k, { op: 'relu', y: t(2), dy: t(2), dx: t(2) });
    ew.softmax(k, { x: t(2, 4), out: t(2, 4), rows: 2, cols: 4 });
    ew.copy(k, { src: t(6), dst: t(6), rows: 2, cols: 3 });
    ew.gather(k, { table: t(5, 2), indices: Int32Array.from([4, 0]), dim: 2, out: t(2, 2) });
    expect(calls).toEqual([
      ['fill', 'ctx', 'fill.t[6]', 6, 0.5],
      ['axpy', 'ctx', 'axpy.y[4]', 'axpy.x[4]', 4, 2],
      ['scale', 'ctx', 'scale.x[5]', 5, 3],
      ['mul', 'ctx', 'mul.out[6]', 'mul.a[6]', 'mul.b[6]', 6],
      ['clip', 'ctx', 'clipByValue.x[7]', 7, 1],
      ['sumSquares', 'ctx', 'sumSquares.x[8]', 8, 'sumSquares.out[1]'],
      ['sumRows', 'ctx', 'sumRows.x[6]', 2, 3, 'sumRows.out[3]', false],
      ['activation', 'ctx', NATIVE_ACTIVATION_CODES.sigmoid, 'activation.x[9]', 'activation.out[9]', 9],
      ['activationBackward', 'ctx', NATIVE_ACTIVATION_CODES.relu, 'activationBackward.y[2]', 'activationBackward.dy[2]', 'activationBackward.dx[2]', 2],
      ['softmax', 'ctx', 'softmax.x[8]', 'softmax.out[8]', 2, 4, 1],
      ['copy2d', 'ctx', 'copy.src[6]', 0, 3, 'copy.dst[6]', 0, 3, 2, 3, false],
      ['gather', 'ctx', 'gather.table[10]', Int32Array.from([4, 0]), 2, 'gather.out[4]'],
    ]);
  });

  it('refuses bad scalars before any native call', () => {
    const { k, calls } = context();
    expect(() => ew.fill(k, t(2), '1' as never)).toThrow(InvalidArgumentError);
    expect(() => ew.clipByValue(k, t(2), Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => ew.scale(k, t(2), Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(() => ew.activation(k, { op: 'swish' as never, x: t(2), out: t(2) })).toThrow(InvalidArgumentError);
    expect(calls).toEqual([]);
  });
});
