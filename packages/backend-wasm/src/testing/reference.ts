/**
 * A float64 reference for the recurrent kernels (test support only): the PyTorch equations of
 * DESIGN.md §4 written as plain loops, forward and BPTT, with reverse, lengths and strided y.
 * Shape legend: T time, B batch, I input, H hidden, G gates.
 */
import { GATE_COUNT, type CellKind } from '@recur/backend';

export interface RefCellInput {
  cell: CellKind;
  T: number;
  B: number;
  I: number;
  H: number;
  reverse?: boolean;
  lengths?: Int32Array | null;
  x: ArrayLike<number>;
  wIh: ArrayLike<number>;
  wHh: ArrayLike<number>;
  bIh: ArrayLike<number> | null;
  bHh: ArrayLike<number> | null;
  h0: ArrayLike<number> | null;
  c0: ArrayLike<number> | null;
}

export interface RefGrads {
  dy: ArrayLike<number> | null;
  dhN: ArrayLike<number> | null;
  dcN: ArrayLike<number> | null;
}

export interface RefResult {
  y: Float64Array; // [T, B, H]
  hN: Float64Array;
  cN: Float64Array;
  dx: Float64Array;
  dWih: Float64Array;
  dWhh: Float64Array;
  dbIh: Float64Array;
  dbHh: Float64Array;
  dh0: Float64Array;
  dc0: Float64Array;
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** Forward and (when grads are given) backward in float64. */
export function referenceCell(p: RefCellInput, g?: RefGrads): RefResult {
  const { cell, T, B, I, H } = p;
  const G = GATE_COUNT[cell];
  const GH = G * H;
  const active = (b: number, t: number) => !p.lengths || t < (p.lengths[b] as number);
  const order = Array.from({ length: T }, (_, s) => (p.reverse ? T - 1 - s : s));
  const h = new Float64Array(B * H);
  const c = new Float64Array(B * H);
  if (p.h0) for (let i = 0; i < B * H; i++) h[i] = p.h0[i] as number;
  if (p.c0) for (let i = 0; i < B * H; i++) c[i] = p.c0[i] as number;
  const y = new Float64Array(T * B * H);
  // per step caches
  const hPrev: Float64Array[] = [];
  const cPrev: Float64Array[] = [];
  const gatesA: Float64Array[] = []; // activated gates [B, GH]
  const hnA: Float64Array[] = []; // gru W_hn h + b_hn
  const cNew: Float64Array[] = [];
  for (const t of order) {
    hPrev[t] = h.slice();
    cPrev[t] = c.slice();
    const ga = new Float64Array(B * GH);
    const hn = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const xi = new Float64Array(GH);
      const hh = new Float64Array(GH);
      for (let r = 0; r < GH; r++) {
        let s1 = p.bIh ? (p.bIh[r] as number) : 0;
        for (let q = 0; q < I; q++) s1 += (p.wIh[r * I + q] as number) * (p.x[(t * B + b) * I + q] as number);
        let s2 = p.bHh ? (p.bHh[r] as number) : 0;
        for (let q = 0; q < H; q++) s2 += (p.wHh[r * H + q] as number) * (hPrev[t]![b * H + q] as number);
        xi[r] = s1;
        hh[r] = s2;
      }
      if (!active(b, t)) continue;
      for (let j = 0; j < H; j++) {
        const o = b * H + j;
        let hv: number;
        if (cell === 'lstm') {
          const i = sig(xi[j]! + hh[j]!);
          const f = sig(xi[H + j]! + hh[H + j]!);
          const gg = Math.tanh(xi[2 * H + j]! + hh[2 * H + j]!);
          const og = sig(xi[3 * H + j]! + hh[3 * H + j]!);
          ga[b * GH + j] = i;
          ga[b * GH + H + j] = f;
          ga[b * GH + 2 * H + j] = gg;
          ga[b * GH + 3 * H + j] = og;
          c[o] = f * cPrev[t]![o]! + i * gg;
          hv = og * Math.tanh(c[o]!);
        } else if (cell === 'gru') {
          const r = sig(xi[j]! + hh[j]!);
          const z = sig(xi[H + j]! + hh[H + j]!);
          hn[o] = hh[2 * H + j]!;
          const n = Math.tanh(xi[2 * H + j]! + r * hn[o]!);
          ga[b * GH + j] = r;
          ga[b * GH + H + j] = z;
          ga[b * GH + 2 * H + j] = n;
          hv = (1 - z) * n + z * hPrev[t]![o]!;
        } else {
          const v = xi[j]! + hh[j]!;
          hv = cell === 'rnn-relu' ? Math.max(0, v) : Math.tanh(v);
          ga[b * GH + j] = hv;
        }
        h[o] = hv;
        y[(t * B + b) * H + j] = hv;
      }
    }
    gatesA[t] = ga;
    hnA[t] = hn;
    cNew[t] = c.slice();
  }
  const res: RefResult = {
    y,
    hN: h.slice(),
    cN: c.slice(),
    dx: new Float64Array(T * B * I),
    dWih: new Float64Array(GH * I),
    dWhh: new Float64Array(GH * H),
    dbIh: new Float64Array(GH),
    dbHh: new Float64Array(GH),
    dh0: new Float64Array(B * H),
    dc0: new Float64Array(B * H),
  };
  if (!g) return res;
  const dh = new Float64Array(B * H);
  const dc = new Float64Array(B * H);
  if (g.dhN) for (let i = 0; i < B * H; i++) dh[i] = g.dhN[i] as number;
  if (g.dcN && cell === 'lstm') for (let i = 0; i < B * H; i++) dc[i] = g.dcN[i] as number;
  for (const t of [...order].reverse()) {
    const ga = gatesA[t]!;
    const dGi = new Float64Array(B * GH);
    const dGh = new Float64Array(B * GH);
    const dhPrev = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      if (!active(b, t)) {
        for (let j = 0; j < H; j++) dhPrev[b * H + j] = dh[b * H + j]!;
        continue;
      }
      for (let j = 0; j < H; j++) {
        const o = b * H + j;
        const dht = dh[o]! + (g.dy ? (g.dy[(t * B + b) * H + j] as number) : 0);
        if (cell === 'lstm') {
          const i = ga[b * GH + j]!, f = ga[b * GH + H + j]!, gg = ga[b * GH + 2 * H + j]!, og = ga[b * GH + 3 * H + j]!;
          const tc = Math.tanh(cNew[t]![o]!);
          const dct = dc[o]! + dht * og * (1 - tc * tc);
          dGi[b * GH + j] = dct * gg * i * (1 - i);
          dGi[b * GH + H + j] = dct * cPrev[t]![o]! * f * (1 - f);
          dGi[b * GH + 2 * H + j] = dct * i * (1 - gg * gg);
          dGi[b * GH + 3 * H + j] = dht * tc * og * (1 - og);
          dc[o] = dct * f;
          for (let q = 0; q < 4; q++) dGh[b * GH + q * H + j] = dGi[b * GH + q * H + j]!;
        } else if (cell === 'gru') {
          const r = ga[b * GH + j]!, z = ga[b * GH + H + j]!, n = ga[b * GH + 2 * H + j]!;
          const dpn = dht * (1 - z) * (1 - n * n);
          const dpr = dpn * hnA[t]![o]! * r * (1 - r);
          const dpz = dht * (hPrev[t]![o]! - n) * z * (1 - z);
          dGi[b * GH + j] = dpr;
          dGi[b * GH + H + j] = dpz;
          dGi[b * GH + 2 * H + j] = dpn;
          dGh[b * GH + j] = dpr;
          dGh[b * GH + H + j] = dpz;
          dGh[b * GH + 2 * H + j] = dpn * r;
          dhPrev[o] = dht * z;
        } else {
          const a = ga[b * GH + j]!;
          const d = cell === 'rnn-relu' ? (a > 0 ? dht : 0) : dht * (1 - a * a);
          dGi[b * GH + j] = d;
          dGh[b * GH + j] = d;
        }
      }
      for (let q = 0; q < H; q++) {
        let s = 0;
        for (let r = 0; r < GH; r++) s += dGh[b * GH + r]! * (p.wHh[r * H + q] as number);
        dhPrev[b * H + q] = dhPrev[b * H + q]! + s;
      }
      for (let r = 0; r < GH; r++) {
        for (let q = 0; q < I; q++) {
          res.dWih[r * I + q] = res.dWih[r * I + q]! + dGi[b * GH + r]! * (p.x[(t * B + b) * I + q] as number);
          res.dx[(t * B + b) * I + q] = res.dx[(t * B + b) * I + q]! + dGi[b * GH + r]! * (p.wIh[r * I + q] as number);
        }
        for (let q = 0; q < H; q++) res.dWhh[r * H + q] = res.dWhh[r * H + q]! + dGh[b * GH + r]! * hPrev[t]![b * H + q]!;
        res.dbIh[r] = res.dbIh[r]! + dGi[b * GH + r]!;
        res.dbHh[r] = res.dbHh[r]! + dGh[b * GH + r]!;
      }
    }
    dh.set(dhPrev);
  }
  res.dh0.set(dh);
  res.dc0.set(dc);
  return res;
}
