/**
 * Step 4–5 of the checklist: the recurrent cells, forward and backward, one (t, b) at a time.
 * This backend favours obviousness over speed (compare packages/backend-cpu, which batches
 * the input projection into one GEMM). Equations are PyTorch's (docs/design.md §4).
 *
 * Shape legend: B batch, T time, I input, H hidden, G gates (rnn 1, lstm 4 [i,f,g,o], gru 3 [r,z,n]).
 *
 * Cache, per (t, b) row of width W = 2H + G·H + H:
 *   [ h_prev (H) | c_prev (H) | gate activations (G·H) | extra (H) ]
 * where extra is tanh(c') for the LSTM and W_hn·h_prev + b_hn for the GRU.
 */
import { isActiveStep, type CellBackwardParams, type CellForwardParams, type ResolvedCellShape } from '@recur/backend';
import { dotRow, sigmoid } from './naive-math.js';
import { buf } from './tensor.js';

/** Width of one cache row. */
export function cacheWidth(G: number, H: number): number {
  return 2 * H + G * H + H;
}

/** Run one direction of one layer over the sequence. Returns the cache when training. */
export function naiveCellForward(p: CellForwardParams, r: ResolvedCellShape): Float64Array | null {
  const { cell, T, B, I, H } = p;
  const { G, yStride, yOffset, reverse, lengths } = r;
  const x = buf(p.x), wIh = buf(p.wIh), wHh = buf(p.wHh), y = buf(p.y);
  const bIh = p.bIh ? buf(p.bIh) : null, bHh = p.bHh ? buf(p.bHh) : null;
  const h = p.h0 ? Float64Array.from(buf(p.h0)) : new Float64Array(B * H); // [B, H]
  const c = p.c0 ? Float64Array.from(buf(p.c0)) : new Float64Array(B * H); // [B, H]
  const W = cacheWidth(G, H);
  const cache = p.training ? new Float64Array(T * B * W) : null;
  const gi = new Float64Array(G * H); // W_ih x + b_ih      [G·H]
  const gh = new Float64Array(G * H); // W_hh h + b_hh      [G·H]

  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const yRow = (t * B + b) * yStride + yOffset;
      if (!isActiveStep(lengths, b, t)) {
        y.fill(0, yRow, yRow + H); // padding: output 0, state carried
        continue;
      }
      for (let row = 0; row < G * H; row++) {
        gi[row] = (bIh ? bIh[row]! : 0) + dotRow(wIh, row, I, x, (t * B + b) * I);
        gh[row] = (bHh ? bHh[row]! : 0) + dotRow(wHh, row, H, h, b * H);
      }
      const cr = cache ? (t * B + b) * W : 0;
      if (cache) {
        cache.set(h.subarray(b * H, b * H + H), cr); // h_prev
        cache.set(c.subarray(b * H, b * H + H), cr + H); // c_prev
      }
      const act = cr + 2 * H, extra = act + G * H;
      for (let j = 0; j < H; j++) {
        let hNew: number;
        if (cell === 'rnn-tanh' || cell === 'rnn-relu') {
          // h' = act(W_ih x + b_ih + W_hh h + b_hh)
          const a = gi[j]! + gh[j]!;
          hNew = cell === 'rnn-tanh' ? Math.tanh(a) : Math.max(0, a);
          if (cache) cache[act + j] = hNew;
        } else if (cell === 'lstm') {
          // i, f, o = σ(·);  g = tanh(·);  c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
          const i = sigmoid(gi[j]! + gh[j]!);
          const f = sigmoid(gi[H + j]! + gh[H + j]!);
          const g = Math.tanh(gi[2 * H + j]! + gh[2 * H + j]!);
          const o = sigmoid(gi[3 * H + j]! + gh[3 * H + j]!);
          const cNew = f * c[b * H + j]! + i * g;
          const tc = Math.tanh(cNew);
          hNew = o * tc;
          c[b * H + j] = cNew;
          if (cache) {
            cache[act + j] = i;
            cache[act + H + j] = f;
            cache[act + 2 * H + j] = g;
            cache[act + 3 * H + j] = o;
            cache[extra + j] = tc;
          }
        } else {
          // r, z = σ(·);  n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn));  h' = (1−z)⊙n + z⊙h
          const rg = sigmoid(gi[j]! + gh[j]!);
          const z = sigmoid(gi[H + j]! + gh[H + j]!);
          const hn = gh[2 * H + j]!;
          const n = Math.tanh(gi[2 * H + j]! + rg * hn);
          hNew = (1 - z) * n + z * h[b * H + j]!;
          if (cache) {
            cache[act + j] = rg;
            cache[act + H + j] = z;
            cache[act + 2 * H + j] = n;
            cache[extra + j] = hn;
          }
        }
        y[yRow + j] = hNew;
      }
      // Write h' only after every j has read h_prev (the GRU reads h[b, j] above).
      for (let j = 0; j < H; j++) h[b * H + j] = y[yRow + j]!;
    }
  }
  buf(p.hN).set(h);
  if (p.cN) buf(p.cN).set(c);
  return cache;
}

/** Backpropagation through time over the sequence the forward ran. Every output accumulates. */
export function naiveCellBackward(p: CellBackwardParams, r: ResolvedCellShape): void {
  const { cell, T, B, I, H } = p;
  const { G, yStride, yOffset, reverse, lengths } = r;
  const x = buf(p.x), wIh = buf(p.wIh), wHh = buf(p.wHh), cache = buf(p.cache);
  const dy = p.dy ? buf(p.dy) : null, dx = p.dx ? buf(p.dx) : null;
  const dWih = buf(p.dWih), dWhh = buf(p.dWhh);
  const dbIh = p.dbIh ? buf(p.dbIh) : null, dbHh = p.dbHh ? buf(p.dbHh) : null;
  const dh = p.dhN ? Float64Array.from(buf(p.dhN)) : new Float64Array(B * H); // dL/dh carried back
  const dc = p.dcN ? Float64Array.from(buf(p.dcN)) : new Float64Array(B * H); // dL/dc carried back
  const W = cacheWidth(G, H);
  const dPreIh = new Float64Array(G * H); // dL/d(W_ih x + b_ih)
  const dPreHh = new Float64Array(G * H); // dL/d(W_hh h + b_hh)
  const dhDirect = new Float64Array(H); // GRU: z⊙dh reaches h_prev without W_hh

  // Walk time in the opposite order of the forward pass.
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      if (!isActiveStep(lengths, b, t)) continue; // padding: gradient passes through unchanged
      const cr = (t * B + b) * W, act = cr + 2 * H, extra = act + G * H;
      const yRow = (t * B + b) * yStride + yOffset;
      for (let j = 0; j < H; j++) {
        const dhj = dh[b * H + j]! + (dy ? dy[yRow + j]! : 0);
        dhDirect[j] = 0;
        if (cell === 'rnn-tanh' || cell === 'rnn-relu') {
          const hv = cache[act + j]!;
          const da = cell === 'rnn-tanh' ? dhj * (1 - hv * hv) : hv > 0 ? dhj : 0;
          dPreIh[j] = da;
          dPreHh[j] = da;
        } else if (cell === 'lstm') {
          const i = cache[act + j]!, f = cache[act + H + j]!, g = cache[act + 2 * H + j]!, o = cache[act + 3 * H + j]!;
          const tc = cache[extra + j]!, cPrev = cache[cr + H + j]!;
          const dcTot = dc[b * H + j]! + dhj * o * (1 - tc * tc); // dL/dc'
          const dI = dcTot * g * i * (1 - i);
          const dF = dcTot * cPrev * f * (1 - f);
          const dG = dcTot * i * (1 - g * g);
          const dO = dhj * tc * o * (1 - o);
          dPreIh[j] = dPreHh[j] = dI;
          dPreIh[H + j] = dPreHh[H + j] = dF;
          dPreIh[2 * H + j] = dPreHh[2 * H + j] = dG;
          dPreIh[3 * H + j] = dPreHh[3 * H + j] = dO;
          dc[b * H + j] = dcTot * f; // dL/dc_prev
        } else {
          const rg = cache[act + j]!, z = cache[act + H + j]!, n = cache[act + 2 * H + j]!;
          const hn = cache[extra + j]!, hPrev = cache[cr + j]!;
          const dN = dhj * (1 - z) * (1 - n * n); // through n = tanh(·)
          const dZ = dhj * (hPrev - n) * z * (1 - z);
          const dR = dN * hn * rg * (1 - rg);
          dPreIh[j] = dPreHh[j] = dR;
          dPreIh[H + j] = dPreHh[H + j] = dZ;
          dPreIh[2 * H + j] = dN; // input side of n
          dPreHh[2 * H + j] = dN * rg; // recurrent side of n sits inside r⊙(·)
          dhDirect[j] = dhj * z;
        }
      }
      // Parameter and input gradients of this step.
      const xo = (t * B + b) * I;
      for (let row = 0; row < G * H; row++) {
        const gI = dPreIh[row]!, gH = dPreHh[row]!;
        if (dbIh) dbIh[row] = dbIh[row]! + gI;
        if (dbHh) dbHh[row] = dbHh[row]! + gH;
        for (let k = 0; k < I; k++) {
          dWih[row * I + k] = dWih[row * I + k]! + gI * x[xo + k]!;
          if (dx) dx[xo + k] = dx[xo + k]! + gI * wIh[row * I + k]!;
        }
        for (let k = 0; k < H; k++) dWhh[row * H + k] = dWhh[row * H + k]! + gH * cache[cr + k]!;
      }
      // dL/dh_prev = W_hhᵀ dPreHh (+ z⊙dh for the GRU).
      for (let k = 0; k < H; k++) {
        let sum = dhDirect[k]!;
        for (let row = 0; row < G * H; row++) sum += wHh[row * H + k]! * dPreHh[row]!;
        dh[b * H + k] = sum;
      }
    }
  }
  if (p.dh0) {
    const d = buf(p.dh0);
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + dh[i]!;
  }
  if (p.dc0) {
    const d = buf(p.dc0);
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + dc[i]!;
  }
}
