/**
 * A deliberately naive, per-element float64 reference of the four cells over a sequence, written
 * straight from the PyTorch equations (no GEMM, no caches, no shared code with the backend).
 * Used by the tests as an independent oracle and as the function finite differences perturb.
 */
import { mulberry32 } from '@recur/backend';
export type Kind = 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru';

export interface NaiveParams {
  kind: Kind;
  T: number;
  B: number;
  I: number;
  H: number;
  x: number[]; // [T, B, I]
  wIh: number[]; // [G·H, I]
  wHh: number[]; // [G·H, H]
  bIh: number[] | null;
  bHh: number[] | null;
  h0: number[] | null;
  c0: number[] | null;
  reverse?: boolean;
  lengths?: number[] | null;
}

export interface NaiveResult {
  y: number[]; // [T, B, H]
  hN: number[];
  cN: number[];
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

export function gatesOf(kind: Kind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}

export function naiveSequence(p: NaiveParams): NaiveResult {
  const { kind, T, B, I, H } = p;
  const y = new Array<number>(T * B * H).fill(0);
  const hN: number[] = [];
  const cN: number[] = [];
  for (let b = 0; b < B; b++) {
    let h = Array.from({ length: H }, (_, j) => (p.h0 ? p.h0[b * H + j]! : 0));
    let c = Array.from({ length: H }, (_, j) => (p.c0 ? p.c0[b * H + j]! : 0));
    const len = p.lengths ? p.lengths[b]! : T;
    for (let s = 0; s < T; s++) {
      const t = p.reverse ? T - 1 - s : s;
      if (t >= len) continue; // padding: state carried, y stays 0
      // pre-activations of input side (xi) and hidden side (hh), per gate row
      const xi = (row: number): number => {
        let v = p.bIh ? p.bIh[row]! : 0;
        for (let k = 0; k < I; k++) v += p.wIh[row * I + k]! * p.x[(t * B + b) * I + k]!;
        return v;
      };
      const hh = (row: number): number => {
        let v = p.bHh ? p.bHh[row]! : 0;
        for (let k = 0; k < H; k++) v += p.wHh[row * H + k]! * h[k]!;
        return v;
      };
      const hNew: number[] = [];
      const cNew: number[] = [];
      for (let j = 0; j < H; j++) {
        if (kind === 'rnn-tanh') hNew.push(Math.tanh(xi(j) + hh(j)));
        else if (kind === 'rnn-relu') hNew.push(Math.max(0, xi(j) + hh(j)));
        else if (kind === 'lstm') {
          const i = sig(xi(j) + hh(j));
          const f = sig(xi(H + j) + hh(H + j));
          const g = Math.tanh(xi(2 * H + j) + hh(2 * H + j));
          const o = sig(xi(3 * H + j) + hh(3 * H + j));
          const cc = f * c[j]! + i * g;
          cNew.push(cc);
          hNew.push(o * Math.tanh(cc));
        } else {
          const r = sig(xi(j) + hh(j));
          const z = sig(xi(H + j) + hh(H + j));
          const n = Math.tanh(xi(2 * H + j) + r * hh(2 * H + j));
          hNew.push((1 - z) * n + z * h[j]!);
        }
      }
      h = hNew;
      if (kind === 'lstm') c = cNew;
      for (let j = 0; j < H; j++) y[(t * B + b) * H + j] = h[j]!;
    }
    hN.push(...h);
    cN.push(...c);
  }
  return { y, hN, cN };
}

/** Deterministic pseudo-random numbers in [−scale, scale) (mulberry32). */
export function rand(n: number, seed: number, scale = 1): number[] {
  const next = mulberry32(seed);
  return Array.from({ length: n }, () => (next() * 2 - 1) * scale);
}
