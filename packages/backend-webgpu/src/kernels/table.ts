/**
 * The WebGPU backend's kernel table: every kernel of the contract, each taking the kernel
 * context first. `defineBackend` binds the context, checks the device (its `enter` hook) and runs
 * the shared argument checks before each one; what stays here is WebGPU's own: the cache's
 * origin and the storage-binding size limit of a sequence's scratch buffers.
 */
import {
  cellCacheMeta,
  checkCellBackward,
  checkCellCache,
  checkCellForward,
  type CellBackwardParams,
  type CellForwardParams,
  type GemmParams,
  type KernelTable,
  type Tensor,
} from '@recur/backend';
import type { GpuContext } from '../gpu-context.js';
import { WebgpuTensor, bufferOf } from '../tensor.js';
import { cacheLayout, encodeCellBackward, encodeCellForward, type CellDims } from './cells.js';
import { encodeGemm } from './gemm.js';
import * as ops from './ops.js';

/** What every WebGPU kernel gets: the device context, checked buffer access, and a tensor maker. */
export interface WebgpuKernelContext extends ops.OpsContext {
  /** The backend's name and id (for ownership checks and messages). */
  readonly backend: { readonly id: string; readonly name: string };
  /** A new tensor of this backend (for training caches). */
  newTensor(shape: readonly number[], what: string): WebgpuTensor;
}

const opt = (t: Tensor | null | undefined): GPUBuffer | null => (t ? bufferOf(t) : null);

/** C = alpha·op(A)·op(B) + beta·C (+ bias on every row); op(A) [m, k], op(B) [k, n], C [m, n]. */
function gemm(ctx: WebgpuKernelContext, p: GemmParams): void {
  const { m, n, k } = p;
  const transA = p.transA === true;
  const transB = p.transB === true;
  const pb = ctx.gpu.pass();
  encodeGemm(
    ctx.gpu,
    pb,
    m,
    n,
    k,
    p.alpha ?? 1,
    { buf: bufferOf(p.a), off: 0, ld: transA ? m : k, trans: transA },
    { buf: bufferOf(p.b), off: 0, ld: transB ? k : n, trans: transB },
    p.beta ?? 0,
    { buf: bufferOf(p.c), off: 0, ld: n },
    p.bias ? { buf: bufferOf(p.bias), off: 0 } : null,
  );
  pb.submit();
}

function dims(p: CellForwardParams | CellBackwardParams, r: { G: number; yStride: number; yOffset: number; reverse: boolean }): CellDims {
  return { cell: p.cell, T: p.T, B: p.B, I: p.I, H: p.H, G: r.G, reverse: r.reverse, yStride: r.yStride, yOffset: r.yOffset };
}

/** The scratch buffers of a sequence (T·B·GH floats) must fit one storage binding. */
function checkSequenceLimits(gpu: GpuContext, d: CellDims): void {
  const gates = d.T * d.B * d.G * d.H * 4;
  gpu.checkBindable(gates, `the gate buffer of a ${d.cell} sequence (T=${d.T}, B=${d.B}, H=${d.H})`);
}

/** Upload `lengths` for a cell call (or null). */
function lengthsBuffer(pb: ReturnType<GpuContext['pass']>, lengths: Int32Array | null): GPUBuffer | null {
  return lengths ? pb.tempWith(lengths) : null;
}

/** One direction of one layer over the sequence; returns the backward cache when `training`. */
function cellForward(ctx: WebgpuKernelContext, p: CellForwardParams): Tensor | null {
  const r = checkCellForward(ctx.backend, p); // resolves strides and lengths
  const d = dims(p, r);
  const lstm = p.cell === 'lstm';
  checkSequenceLimits(ctx.gpu, d);
  let cache: WebgpuTensor | null = null;
  if (p.training) {
    cache = ctx.newTensor([cacheLayout(p.cell, p.T, p.B, p.H, r.G).size], 'cellForward cache');
    cache.cacheMeta = cellCacheMeta(p, r);
  }
  const pb = ctx.gpu.pass();
  encodeCellForward(ctx.gpu, pb, d, {
    x: bufferOf(p.x),
    wIh: bufferOf(p.wIh),
    wHh: bufferOf(p.wHh),
    bIh: opt(p.bIh),
    bHh: opt(p.bHh),
    h0: opt(p.h0),
    c0: lstm ? opt(p.c0) : null,
    y: bufferOf(p.y),
    hN: bufferOf(p.hN),
    cN: lstm ? opt(p.cN) : null,
    cache: cache ? cache.buffer : null,
    lengths: lengthsBuffer(pb, r.lengths),
  });
  pb.submit();
  return cache;
}

/** Backpropagation through time over the sequence `cellForward` ran. */
function cellBackward(ctx: WebgpuKernelContext, p: CellBackwardParams): void {
  const r = checkCellBackward(ctx.backend, p); // resolves strides and lengths
  const d = dims(p, r);
  const lstm = p.cell === 'lstm';
  const meta = p.cache instanceof WebgpuTensor ? p.cache.cacheMeta : null;
  checkCellCache(meta, p, r);
  checkSequenceLimits(ctx.gpu, d);
  const pb = ctx.gpu.pass();
  encodeCellBackward(ctx.gpu, pb, d, {
    x: bufferOf(p.x),
    wIh: bufferOf(p.wIh),
    wHh: bufferOf(p.wHh),
    cache: bufferOf(p.cache),
    dy: opt(p.dy),
    dhN: opt(p.dhN),
    dcN: lstm ? opt(p.dcN) : null,
    dx: opt(p.dx),
    dWih: bufferOf(p.dWih),
    dWhh: bufferOf(p.dWhh),
    dbIh: opt(p.dbIh),
    dbHh: opt(p.dbHh),
    dh0: opt(p.dh0),
    dc0: lstm ? opt(p.dc0) : null,
    lengths: lengthsBuffer(pb, r.lengths),
  });
  pb.submit();
}


/** Every WebGPU kernel, by contract name. */
export const WEBGPU_KERNELS: KernelTable<WebgpuKernelContext> = {
  gemm,
  copy: ops.copy,
  fill: ops.fill,
  axpy: ops.axpy,
  scale: ops.scale,
  mul: ops.mul,
  clipByValue: ops.clipByValue,
  sumSquares: ops.sumSquares,
  sumRows: ops.sumRows,
  activation: ops.activation,
  activationBackward: ops.activationBackward,
  softmax: ops.softmax,
  cellForward,
  cellBackward,
  loss: ops.loss,
  optimizerStep: ops.optimizerStep,
  gather: ops.gather,
  scatterAdd: ops.scatterAdd,
};
