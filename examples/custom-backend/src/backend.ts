/**
 * Steps 2, 3 and 6 of docs/contributing/add-a-backend.md: the factory. Every method validates
 * its arguments with the shared checks from @recur/backend, then calls a plain kernel.
 */
import {
  BackendDestroyedError,
  InvalidArgumentError,
  SPECIFICATION_VERSION,
  checkCellBackward,
  checkCellForward,
  checkExact,
  checkGemm,
  checkTensor,
  normalizeCapabilities,
  registerBackend,
  shapeSize,
  type Backend,
  type CopyParams,
  type Tensor,
} from '@recur/backend';
import { cacheWidth, naiveCellBackward, naiveCellForward } from './cells.js';
import { activationGrad, applyActivation, naiveGemm, naiveLoss, naiveOptimizerStep } from './kernels.js';
import { F64Tensor, buf } from './tensor.js';

let instances = 0;

/**
 * A float64 backend written for clarity, outside `packages/`, from the add-a-backend checklist.
 * Every result is computed in IEEE double precision, one (t, b) at a time.
 */
export function createFloat64Backend(): Backend {
  const id = `naive-f64#${++instances}`;
  const live = new Set<F64Tensor>();
  const self = { id, name: 'naive-f64' };

  const make = (shape: readonly number[], data: Float64Array): F64Tensor => {
    const t = new F64Tensor(id, [...shape], data);
    live.add(t);
    return t;
  };
  let destroyed = false;
  /** The contract: a destroyed backend is unusable, and says so with a typed error. */
  const alive = () => {
    if (destroyed) throw new BackendDestroyedError(id, 'createFloat64Backend');
  };
  /** Live, ours, and holding at least `minSize` elements. */
  const check = (t: Tensor, what: string, minSize?: number) => checkTensor(self, t, what, minSize);

  const backend: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    name: self.name,
    id,
    capabilities: normalizeCapabilities({
      precision: 'float64',
      training: true,
      fusedSequence: true, // the loop over time runs inside cellForward, no host round trips
      variableLength: true,
    }),

    alloc(shape) {
      alive();
      return make(shape, new Float64Array(shapeSize(shape)));
    },
    upload(data, shape) {
      alive();
      const size = shapeSize(shape);
      if (data.length !== size) {
        throw new InvalidArgumentError('upload', `data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}.`);
      }
      return make(shape, Float64Array.from(data));
    },
    write(t, data, offset = 0) {
      check(t, 'write target', offset + data.length);
      buf(t).set(Array.from(data), offset);
    },
    async read(t) {
      check(t, 'read source');
      return Float64Array.from(buf(t));
    },
    dispose(t) {
      const f = t as F64Tensor;
      if (f.disposed || f.backendId !== id) return;
      f.disposed = true;
      f.data = new Float64Array(0);
      live.delete(f);
    },
    memory() {
      let bytes = 0;
      for (const t of live) bytes += t.data.byteLength;
      return { liveTensors: live.size, liveBytes: bytes };
    },
    async sync() {},
    destroy() {
      for (const t of [...live]) backend.dispose(t);
      destroyed = true;
    },

    gemm(p) {
      const { alpha, beta } = checkGemm(self, p);
      naiveGemm(buf(p.a), buf(p.b), buf(p.c), p.m, p.n, p.k, !!p.transA, !!p.transB, alpha, beta, p.bias ? buf(p.bias) : null);
    },
    copy(p: CopyParams) {
      const rows = p.rows ?? 1, cols = p.cols;
      const so = p.srcOffset ?? 0, d0 = p.dstOffset ?? 0;
      const ss = p.srcStride ?? cols, ds = p.dstStride ?? cols;
      check(p.src, 'copy.src', so + (rows - 1) * ss + cols);
      check(p.dst, 'copy.dst', d0 + (rows - 1) * ds + cols);
      const src = buf(p.src), dst = buf(p.dst);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < cols; j++) {
          const v = src[so + r * ss + j]!;
          dst[d0 + r * ds + j] = p.accumulate ? dst[d0 + r * ds + j]! + v : v;
        }
      }
    },
    fill(t, value) {
      check(t, 'fill target');
      buf(t).fill(value);
    },
    axpy(y, x, alpha) {
      check(y, 'axpy.y');
      check(x, 'axpy.x', y.size);
      const yb = buf(y), xb = buf(x);
      for (let i = 0; i < yb.length; i++) yb[i] = yb[i]! + alpha * xb[i]!;
    },
    scale(x, alpha) {
      check(x, 'scale.x');
      const xb = buf(x);
      for (let i = 0; i < xb.length; i++) xb[i] = xb[i]! * alpha;
    },
    mul(out, a, b) {
      check(out, 'mul.out');
      check(a, 'mul.a', out.size);
      check(b, 'mul.b', out.size);
      const o = buf(out), ab = buf(a), bb = buf(b);
      for (let i = 0; i < o.length; i++) o[i] = ab[i]! * bb[i]!;
    },
    clipByValue(x, limit) {
      check(x, 'clipByValue.x');
      const xb = buf(x);
      for (let i = 0; i < xb.length; i++) xb[i] = Math.min(limit, Math.max(-limit, xb[i]!));
    },
    sumSquares(x, out) {
      check(x, 'sumSquares.x');
      check(out, 'sumSquares.out', 1);
      let s = 0;
      for (const v of buf(x)) s += v * v;
      buf(out)[0] = s;
    },
    sumRows(x, rows, cols, out, accumulate = false) {
      check(x, 'sumRows.x', rows * cols);
      check(out, 'sumRows.out', cols);
      const xb = buf(x), o = buf(out);
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += xb[r * cols + j]!;
        o[j] = accumulate ? o[j]! + s : s;
      }
    },

    activation(p) {
      check(p.x, 'activation.x');
      check(p.out, 'activation.out', p.x.size);
      const x = buf(p.x), o = buf(p.out);
      for (let i = 0; i < x.length; i++) o[i] = applyActivation(p.op, x[i]!);
    },
    activationBackward(p) {
      check(p.y, 'activationBackward.y');
      check(p.dy, 'activationBackward.dy', p.y.size);
      check(p.dx, 'activationBackward.dx', p.y.size);
      const y = buf(p.y), dy = buf(p.dy), dx = buf(p.dx);
      for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * activationGrad(p.op, y[i]!);
    },
    softmax(p) {
      check(p.x, 'softmax.x', p.rows * p.cols);
      check(p.out, 'softmax.out', p.rows * p.cols);
      const x = buf(p.x), o = buf(p.out), temp = p.temperature ?? 1;
      for (let r = 0; r < p.rows; r++) {
        let max = -Infinity;
        for (let j = 0; j < p.cols; j++) max = Math.max(max, x[r * p.cols + j]! / temp);
        let sum = 0;
        for (let j = 0; j < p.cols; j++) sum += o[r * p.cols + j] = Math.exp(x[r * p.cols + j]! / temp - max);
        for (let j = 0; j < p.cols; j++) o[r * p.cols + j] = o[r * p.cols + j]! / sum;
      }
    },

    cellForward(p) {
      const r = checkCellForward(self, p);
      const cache = naiveCellForward(p, r);
      return cache ? make([p.T, p.B, cacheWidth(r.G, p.H)], cache) : null;
    },
    cellBackward(p) {
      const r = checkCellBackward(self, p);
      checkExact(self, p.cache, 'cache', p.T * p.B * cacheWidth(r.G, p.H));
      naiveCellBackward(p, r);
    },

    loss(p) {
      const rowsTarget = p.kind === 'cross-entropy' ? p.n : p.n * p.c;
      check(p.pred, 'loss.pred', p.n * p.c);
      check(p.target, 'loss.target', rowsTarget);
      check(p.loss, 'loss.loss', 1);
      if (p.grad) check(p.grad, 'loss.grad', p.n * p.c);
      if (p.weights) check(p.weights, 'loss.weights', p.n);
      if (p.kind === 'cross-entropy') {
        const target = buf(p.target);
        for (let r = 0; r < p.n; r++) {
          const cls = target[r]!;
          if (!Number.isInteger(cls) || cls < 0 || cls >= p.c) {
            throw new InvalidArgumentError('loss.target', `row ${r} has class ${cls}, outside [0, ${p.c}).`);
          }
        }
      }
      naiveLoss(p);
    },
    optimizerStep(p) {
      check(p.param, 'optimizerStep.param');
      check(p.grad, 'optimizerStep.grad', p.param.size);
      p.state.forEach((s, i) => check(s, `optimizerStep.state[${i}]`, p.param.size));
      naiveOptimizerStep(p);
    },
    gather(p) {
      check(p.table, 'gather.table');
      check(p.out, 'gather.out', p.indices.length * p.dim);
      const table = buf(p.table), out = buf(p.out), rows = p.table.size / p.dim;
      p.indices.forEach((ix, r) => {
        if (ix < 0 || ix >= rows) throw new InvalidArgumentError('gather.indices', `index ${ix} at ${r} is outside [0, ${rows}).`);
        out.set(table.subarray(ix * p.dim, ix * p.dim + p.dim), r * p.dim);
      });
    },
    scatterAdd(p) {
      check(p.grad, 'scatterAdd.grad', p.indices.length * p.dim);
      check(p.dTable, 'scatterAdd.dTable');
      const g = buf(p.grad), d = buf(p.dTable), rows = p.dTable.size / p.dim;
      p.indices.forEach((ix, r) => {
        if (ix < 0 || ix >= rows) throw new InvalidArgumentError('scatterAdd.indices', `index ${ix} at ${r} is outside [0, ${rows}).`);
        for (let j = 0; j < p.dim; j++) d[ix * p.dim + j] = d[ix * p.dim + j]! + g[r * p.dim + j]!;
      });
    },
  };
  return backend;
}

/** Step 6: make it selectable with `useBackend('naive-f64')`. */
export function registerFloat64Backend(): void {
  registerBackend('naive-f64', {
    create: () => createFloat64Backend(),
    probe: () => ({ available: true }),
    priority: -10, // a reference backend: never picked by 'auto' over a fast one
    description: 'Plain float64 reference backend (examples/custom-backend)',
  });
}
