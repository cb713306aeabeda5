/**
 * `checked(backend)`: one place where every shared argument check runs, before any kernel.
 *
 * Like candle's `storage.rs` (checks once, then picks the device branch) and tfjs's ops (check,
 * then `runKernel`), the contract's argument rules are enforced here, the same way for every
 * backend, so a backend's kernels only keep checks that are truly theirs (a WebGPU buffer limit,
 * say). The registry wraps every instance it creates; direct factory users call it themselves
 * (`checked(createCpuBackend())`); `defineBackend` applies it to what it builds.
 *
 * Edges the checks own: empty work (a copy or softmax of zero rows or zero columns, a gather or
 * scatterAdd of zero indices) is validated (tensors live and ours, scalars in range) and then
 * answered here without calling the kernel, so no backend has to handle a zero-sized launch.
 */
import { InvalidArgumentError, ShapeError } from './errors.js';
import { overrideMethods } from './override.js';
import type {
  ActivationBackwardParams,
  ActivationParams,
  Backend,
  CopyParams,
  FloatArray,
  GatherParams,
  GemmParams,
  LossParams,
  OptimizerStepParams,
  ScatterAddParams,
  SoftmaxParams,
  Tensor,
} from './spec.js';
import {
  checkActivation,
  checkCellBackward,
  checkCellForward,
  checkClipLimit,
  checkCopy,
  checkCopyExtent,
  checkExact,
  checkFillValue,
  checkGather,
  checkGatherIndices,
  checkGemm,
  checkLoss,
  checkOptimizerState,
  checkOptimizerStep,
  checkScatterAdd,
  checkScatterAddIndices,
  checkSoftmax,
  checkSumRows,
  checkTensor,
  finiteNumber,
  nonNegativeInt,
  shapeSize,
} from './validate.js';

/** Marks a backend that already runs the shared checks, so wrapping twice is a no-op. */
const CHECKED: unique symbol = Symbol.for('@recur/backend/checked');

/** Mark `backend` as one that already runs the shared checks (for `defineBackend`). */
export function markChecked<B extends Backend>(backend: B): B {
  Object.defineProperty(backend, CHECKED, { value: true });
  return backend;
}

/** Whether `backend` already runs the shared argument checks (it came from `checked` or `defineBackend`). */
export function isChecked(backend: Backend): boolean {
  return (backend as Backend & { [CHECKED]?: true })[CHECKED] === true;
}

function checkShapeArray(shape: readonly number[], what: string): number {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(what, 'expected an array of non-negative integer dimensions.');
  return shapeSize(shape, what);
}

function checkData(data: ArrayLike<number>, what: string): void {
  if (data === null || data === undefined || typeof data.length !== 'number') {
    throw new InvalidArgumentError(what, 'expected an array of numbers.');
  }
}

/**
 * Wrap `backend` so that every method runs the shared argument checks of `@recur/backend` first
 * and throws their typed errors (`ShapeError`, `InvalidArgumentError`, `DisposedTensorError`,
 * `BackendMismatchError`) before the backend's own code runs. Every other property (including
 * extra fields such as a tfjs backend's `engine`) is kept. Wrapping a checked backend returns it
 * unchanged.
 *
 * @example
 * import { createCpuBackend } from '@recur/backend-cpu';
 * const be = checked(createCpuBackend());
 * const t = be.upload([1, 2, 3, 4, 5, 6], [2, 3]);
 * be.copy({ src: t, dst: t, rows: 0, cols: 3 }); // validated, then a no-op: the kernel never sees it
 * console.log(Array.from(await be.read(t))); // [1, 2, 3, 4, 5, 6]
 */
export function checked<B extends Backend>(backend: B): B {
  if (isChecked(backend)) return backend;
  const b: Backend = backend;
  const self = { id: b.id, name: b.name };
  const live = (t: Tensor, what: string, minSize?: number) => checkTensor(self, t, what, minSize);
  const exact = (t: Tensor, what: string, size: number, shape?: readonly number[]) => checkExact(self, t, what, size, shape);

  const wrapped: Partial<Backend> = {
    // ---- memory ---------------------------------------------------------------------------------
    alloc(shape) {
      checkShapeArray(shape, 'alloc.shape');
      return b.alloc(shape);
    },
    upload(data, shape) {
      const size = checkShapeArray(shape, 'upload.shape');
      checkData(data, 'upload.data');
      if (data.length !== size) throw new ShapeError('upload.data', `${size} elements for shape [${shape.join(', ')}]`, `${data.length} elements`);
      return b.upload(data, shape);
    },
    write(t, data, offset = 0) {
      live(t, 'write.tensor');
      checkData(data, 'write.data');
      nonNegativeInt('write.offset', offset);
      if (offset + data.length > t.size) {
        throw new ShapeError('write.data', `at most ${t.size - offset} elements at offset ${offset}`, `${data.length} elements`);
      }
      b.write(t, data, offset);
    },
    read(t): Promise<FloatArray> {
      try {
        live(t, 'read.tensor');
      } catch (e) {
        return Promise.reject(e);
      }
      return b.read(t);
    },

    // ---- linear algebra and data movement -----------------------------------------------------------
    gemm(p: GemmParams) {
      const { alpha, beta } = checkGemm(self, p);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new InvalidArgumentError('gemm.alpha/beta', `must be finite numbers, got alpha=${String(alpha)}, beta=${String(beta)}.`);
      }
      b.gemm(p);
    },
    copy(p: CopyParams) {
      const r = checkCopy(p);
      live(p.src, 'copy.src');
      live(p.dst, 'copy.dst');
      if (checkCopyExtent(p, r)) b.copy(p);
    },
    fill(t, value) {
      checkFillValue(value);
      live(t, 'fill.t');
      b.fill(t, value);
    },
    axpy(y, x, alpha) {
      finiteNumber('axpy.alpha', alpha);
      live(y, 'axpy.y');
      exact(x, 'axpy.x', y.size, y.shape);
      b.axpy(y, x, alpha);
    },
    scale(x, alpha) {
      finiteNumber('scale.alpha', alpha);
      live(x, 'scale.x');
      b.scale(x, alpha);
    },
    mul(out, x, y) {
      live(out, 'mul.out');
      exact(x, 'mul.a', out.size, out.shape);
      exact(y, 'mul.b', out.size, out.shape);
      b.mul(out, x, y);
    },
    clipByValue(x, limit) {
      checkClipLimit(limit);
      live(x, 'clipByValue.x');
      b.clipByValue(x, limit);
    },
    sumSquares(x, out) {
      live(x, 'sumSquares.x');
      live(out, 'sumSquares.out', 1);
      b.sumSquares(x, out);
    },
    sumRows(x, rows, cols, out, accumulate) {
      checkSumRows(rows, cols);
      exact(x, 'sumRows.x', rows * cols, [rows, cols]);
      exact(out, 'sumRows.out', cols, [cols]);
      if (cols === 0) return;
      b.sumRows(x, rows, cols, out, accumulate);
    },

    // ---- pointwise ------------------------------------------------------------------------------------
    activation(p: ActivationParams) {
      checkActivation(p.op, 'activation.op');
      live(p.x, 'activation.x');
      exact(p.out, 'activation.out', p.x.size, p.x.shape);
      b.activation(p);
    },
    activationBackward(p: ActivationBackwardParams) {
      checkActivation(p.op, 'activationBackward.op');
      live(p.y, 'activationBackward.y');
      exact(p.dy, 'activationBackward.dy', p.y.size, p.y.shape);
      exact(p.dx, 'activationBackward.dx', p.y.size, p.y.shape);
      b.activationBackward(p);
    },
    softmax(p: SoftmaxParams) {
      const { rows, cols } = checkSoftmax(p);
      exact(p.x, 'softmax.x', rows * cols, [rows, cols]);
      exact(p.out, 'softmax.out', rows * cols, [rows, cols]);
      if (rows === 0 || cols === 0) return;
      b.softmax(p);
    },

    // ---- recurrent cells ------------------------------------------------------------------------------
    cellForward(p) {
      checkCellForward(self, p);
      return b.cellForward(p);
    },
    cellBackward(p) {
      checkCellBackward(self, p);
      b.cellBackward(p);
    },

    // ---- training -------------------------------------------------------------------------------------
    loss(p: LossParams) {
      const { n, c, ce } = checkLoss(p);
      exact(p.pred, 'loss.pred', n * c, [n, c]);
      exact(p.target, 'loss.target', ce ? n : n * c, ce ? [n] : [n, c]);
      if (p.weights) exact(p.weights, 'loss.weights', n, [n]);
      live(p.loss, 'loss.loss', 1);
      if (p.grad) exact(p.grad, 'loss.grad', n * c, [n, c]);
      b.loss(p);
    },
    optimizerStep(p: OptimizerStepParams) {
      const hp = checkOptimizerStep(p);
      live(p.param, 'optimizerStep.param');
      const n = p.param.size;
      exact(p.grad, 'optimizerStep.grad', n, p.param.shape);
      checkOptimizerState(p, hp);
      p.state.forEach((s, i) => exact(s, `optimizerStep.state[${i}]`, n, p.param.shape));
      b.optimizerStep(p);
    },
    gather(p: GatherParams) {
      checkGather(p);
      live(p.table, 'gather.table');
      const n = checkGatherIndices(p);
      exact(p.out, 'gather.out', n * p.dim, [n, p.dim]);
      if (n > 0) b.gather(p);
    },
    scatterAdd(p: ScatterAddParams) {
      checkScatterAdd(p);
      live(p.dTable, 'scatterAdd.dTable');
      const n = checkScatterAddIndices(p);
      exact(p.grad, 'scatterAdd.grad', n * p.dim, [n, p.dim]);
      if (n > 0) b.scatterAdd(p);
    },
  };

  return overrideMethods(backend, wrapped as Partial<B>, CHECKED);
}
