/**
 * A whole sequence, forward or backward, as ONE command buffer with one compute pass:
 *
 * Forward (steps T−1 … 0 when reverse):
 *   copy h0 → h, c0 → c (or clear)                                   encoder commands
 *   XG[T·B, GH] = X[T·B, I]·W_ihᵀ + b_ih                              1 GEMM dispatch, all steps
 *   per step t:  HG[B, GH] = h·W_hhᵀ + b_hh                           GEMM dispatch
 *                gate math (cell-forward kernel, parameter slot t)   pointwise dispatch
 *   copy h → hN, c → cN                                               encoder commands
 *
 * Backward (steps in the opposite order of the forward):
 *   copy dhN → dh, dcN → dc (or clear)
 *   per step t:  gate gradients dG_ih[t], dG_hh[t] (cell-backward kernel)
 *                dh += dG_hh[t]·W_hh                                  GEMM [B, GH]×[GH, H]
 *   dW_ih += dG_ihᵀ·X   dX += dG_ih·W_ih   dW_hh += dG_hhᵀ·H_prev   (GEMMs over all T·B rows)
 *   db_ih += Σ_rows dG_ih   db_hh += Σ_rows dG_hh   dh0 += dh   dc0 += dc
 *
 * Per-step parameters live in one uniform buffer, one 256-byte slot per step, selected with a
 * dynamic offset: nothing returns to the host inside a sequence.
 * Shape legend: T time, B batch, I input, H hidden, G gates, GH = G·H.
 */
import type { CellKind } from '@recur/backend';
import type { GpuContext, PassBuilder } from '../gpu-context.js';
import { CELL_BACKWARD_PARAMS, cellBackwardKernel } from '../shaders/cell-backward.js';
import { CELL_FORWARD_PARAMS, cellForwardKernel } from '../shaders/cell-forward.js';
import { AXPY, SUM_ROWS } from '../shaders/elementwise.js';
import type { KernelSpec } from '../gpu-context.js';
import { encodeGemm } from './gemm.js';

/** Offsets (in elements) of the regions of a training cache. */
export interface CacheLayout {
  readonly gates: number;
  readonly cPrev: number;
  readonly aux: number;
  readonly size: number;
}

/** `[ H_prev T·B·H | gates T·B·GH | lstm: C_prev, tanh(c) | gru: hg_n ]`. */
export function cacheLayout(cell: CellKind, T: number, B: number, H: number, G: number): CacheLayout {
  const TBH = T * B * H;
  const gates = TBH;
  let end = gates + T * B * G * H;
  let cPrev = 0;
  let aux = 0;
  if (cell === 'lstm') {
    cPrev = end;
    end += TBH;
    aux = end;
    end += TBH;
  } else if (cell === 'gru') {
    aux = end;
    end += TBH;
  }
  return { gates, cPrev, aux, size: end };
}

const forwardKernels = new Map<CellKind, KernelSpec>();
const backwardKernels = new Map<CellKind, KernelSpec>();
function fwdKernel(cell: CellKind): KernelSpec {
  let k = forwardKernels.get(cell);
  if (!k) forwardKernels.set(cell, (k = cellForwardKernel(cell)));
  return k;
}
function bwdKernel(cell: CellKind): KernelSpec {
  let k = backwardKernels.get(cell);
  if (!k) backwardKernels.set(cell, (k = cellBackwardKernel(cell)));
  return k;
}

/** Resolved sizes of one cell call. */
export interface CellDims {
  readonly cell: CellKind;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly G: number;
  readonly reverse: boolean;
  readonly yStride: number;
  readonly yOffset: number;
}

/** Buffers of a forward call (null: absent). */
export interface ForwardBuffers {
  readonly x: GPUBuffer;
  readonly wIh: GPUBuffer;
  readonly wHh: GPUBuffer;
  readonly bIh: GPUBuffer | null;
  readonly bHh: GPUBuffer | null;
  readonly h0: GPUBuffer | null;
  readonly c0: GPUBuffer | null;
  readonly y: GPUBuffer;
  readonly hN: GPUBuffer;
  readonly cN: GPUBuffer | null;
  readonly cache: GPUBuffer | null;
  /** Int32 lengths, or null for full-length batches. */
  readonly lengths: GPUBuffer | null;
}

/** Encode the forward pass of one direction of one layer. */
export function encodeCellForward(ctx: GpuContext, pb: PassBuilder, d: CellDims, buf: ForwardBuffers): void {
  const { cell, T, B, I, H, G } = d;
  const GH = G * H;
  const BH = B * H;
  const lstm = cell === 'lstm';
  const layout = cacheLayout(cell, T, B, H, G);
  const h = pb.temp(BH * 4);
  const c = lstm ? pb.temp(BH * 4) : ctx.dummyWrite[0]!;
  const xg = pb.temp(T * B * GH * 4);
  const hg = pb.temp(B * GH * 4);

  // Initial state.
  pb.encoder((enc) => {
    if (buf.h0) enc.copyBufferToBuffer(buf.h0, 0, h, 0, BH * 4);
    else enc.clearBuffer(h, 0, BH * 4);
    if (lstm) {
      if (buf.c0) enc.copyBufferToBuffer(buf.c0, 0, c, 0, BH * 4);
      else enc.clearBuffer(c, 0, BH * 4);
    }
  });
  // XG = X·W_ihᵀ + b_ih   [T·B, GH]
  encodeGemm(ctx, pb, T * B, GH, I, 1, { buf: buf.x, off: 0, ld: I }, { buf: buf.wIh, off: 0, ld: I, trans: true }, 0, { buf: xg, off: 0, ld: GH }, buf.bIh ? { buf: buf.bIh, off: 0 } : null);

  const kernel = fwdKernel(cell);
  const slots = new Map<string, number>();
  const bindings = [xg, hg, buf.lengths ?? ctx.dummyRead, h, c, buf.y, buf.cache ?? ctx.dummyWrite[1]!];
  for (let step = 0; step < T; step++) {
    const t = d.reverse ? T - 1 - step : step;
    // HG = h_{t−1}·W_hhᵀ + b_hh   [B, GH]
    encodeGemm(ctx, pb, B, GH, H, 1, { buf: h, off: 0, ld: H }, { buf: buf.wHh, off: 0, ld: H, trans: true }, 0, { buf: hg, off: 0, ld: GH }, buf.bHh ? { buf: buf.bHh, off: 0 } : null, slots);
    const slot = pb.slot(CELL_FORWARD_PARAMS, [B, H, t, d.yStride, d.yOffset, buf.lengths ? 1 : 0, buf.cache ? 1 : 0, layout.gates, layout.cPrev, layout.aux]);
    pb.dispatchFlat(kernel, slot, bindings, BH);
  }
  pb.encoder((enc) => {
    enc.copyBufferToBuffer(h, 0, buf.hN, 0, BH * 4);
    if (lstm && buf.cN) enc.copyBufferToBuffer(c, 0, buf.cN, 0, BH * 4);
  });
}

/** Buffers of a backward call (null: absent). */
export interface BackwardBuffers {
  readonly x: GPUBuffer;
  readonly wIh: GPUBuffer;
  readonly wHh: GPUBuffer;
  readonly cache: GPUBuffer;
  readonly dy: GPUBuffer | null;
  readonly dhN: GPUBuffer | null;
  readonly dcN: GPUBuffer | null;
  readonly dx: GPUBuffer | null;
  readonly dWih: GPUBuffer;
  readonly dWhh: GPUBuffer;
  readonly dbIh: GPUBuffer | null;
  readonly dbHh: GPUBuffer | null;
  readonly dh0: GPUBuffer | null;
  readonly dc0: GPUBuffer | null;
  readonly lengths: GPUBuffer | null;
}

/** Encode backpropagation through time for one direction of one layer. */
export function encodeCellBackward(ctx: GpuContext, pb: PassBuilder, d: CellDims, buf: BackwardBuffers): void {
  const { cell, T, B, I, H, G } = d;
  const GH = G * H;
  const BH = B * H;
  const TB = T * B;
  const lstm = cell === 'lstm';
  const gru = cell === 'gru';
  const layout = cacheLayout(cell, T, B, H, G);
  const dh = pb.temp(BH * 4);
  const dc = lstm ? pb.temp(BH * 4) : ctx.dummyWrite[0]!;
  const dGi = pb.temp(TB * GH * 4);
  const dGh = gru ? pb.temp(TB * GH * 4) : dGi;

  pb.encoder((enc) => {
    if (buf.dhN) enc.copyBufferToBuffer(buf.dhN, 0, dh, 0, BH * 4);
    else enc.clearBuffer(dh, 0, BH * 4);
    if (lstm) {
      if (buf.dcN) enc.copyBufferToBuffer(buf.dcN, 0, dc, 0, BH * 4);
      else enc.clearBuffer(dc, 0, BH * 4);
    }
  });

  const kernel = bwdKernel(cell);
  const bindings = [buf.cache, buf.dy ?? ctx.dummyRead, buf.lengths ?? ctx.dummyRead, dh, dc, dGi, gru ? dGh : ctx.dummyWrite[1]!];
  for (let step = 0; step < T; step++) {
    // Visit steps in the opposite order of the forward pass.
    const t = d.reverse ? step : T - 1 - step;
    const slot = pb.slot(CELL_BACKWARD_PARAMS, [B, H, t, d.yStride, d.yOffset, buf.lengths ? 1 : 0, buf.dy ? 1 : 0, layout.gates, layout.cPrev, layout.aux]);
    pb.dispatchFlat(kernel, slot, bindings, BH);
    // dh_{t−1} += dG_hh[t]·W_hh   (padding rows of dG_hh are 0, so carried rows keep their dh)
    if (step < T - 1 || buf.dh0 !== null) {
      encodeGemm(ctx, pb, B, H, GH, 1, { buf: dGh, off: t * B * GH, ld: GH }, { buf: buf.wHh, off: 0, ld: H }, 1, { buf: dh, off: 0, ld: H }, null);
    }
  }

  // dW_ih += dG_ihᵀ·X   [GH, I]
  encodeGemm(ctx, pb, GH, I, TB, 1, { buf: dGi, off: 0, ld: GH, trans: true }, { buf: buf.x, off: 0, ld: I }, 1, { buf: buf.dWih, off: 0, ld: I }, null);
  // dX += dG_ih·W_ih   [T·B, I]
  if (buf.dx) encodeGemm(ctx, pb, TB, I, GH, 1, { buf: dGi, off: 0, ld: GH }, { buf: buf.wIh, off: 0, ld: I }, 1, { buf: buf.dx, off: 0, ld: I }, null);
  // dW_hh += dG_hhᵀ·H_prev   [GH, H]   (H_prev is the cache's first region)
  encodeGemm(ctx, pb, GH, H, TB, 1, { buf: dGh, off: 0, ld: GH, trans: true }, { buf: buf.cache, off: 0, ld: H }, 1, { buf: buf.dWhh, off: 0, ld: H }, null);
  // db_ih += Σ_rows dG_ih   db_hh += Σ_rows dG_hh
  if (buf.dbIh) pb.dispatchFlat(SUM_ROWS, pb.slot('uuuu', [GH, TB, 0, 1]), [dGi, buf.dbIh], GH);
  if (buf.dbHh) pb.dispatchFlat(SUM_ROWS, pb.slot('uuuu', [GH, TB, 0, 1]), [dGh, buf.dbHh], GH);
  // dh0 += dh   dc0 += dc
  if (buf.dh0) pb.dispatchFlat(AXPY, pb.slot('uf', [BH, 1]), [dh, buf.dh0], BH);
  if (lstm && buf.dc0) pb.dispatchFlat(AXPY, pb.slot('uf', [BH, 1]), [dc, buf.dc0], BH);
}
