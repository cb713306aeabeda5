/**
 * `cellForward`: one direction of one recurrent layer over a whole sequence, composed from tfjs
 * ops (tfjs has no fused RNN kernel, so the loop over time runs in JavaScript).
 *
 * Shape legend: B batch, T time, I input, H hidden, G gates (rnn 1, lstm 4, gru 3).
 *
 * 1. The input projection XP[T·B, G·H] = X[T·B, I] · W_ihᵀ + b_ih (+ b_hh, except for the GRU,
 *    whose b_hn must stay inside the reset product) is one matMul for all time steps (per step on
 *    the wasm engine, see `inputProjection`).
 * 2. Each step is one matMul with W_hh plus the gate math, inside its own `tf.tidy`, so a step's
 *    intermediates are freed as soon as it ends.
 * 3. The outputs are stacked once and spliced into `y` at columns [yOffset, yOffset + H).
 *
 * With `training`, the per-step values the backward pass needs (previous states and activated
 * gates) are kept, one tensor per step, in a cache handle.
 */
import { checkCellForward, type CellForwardParams, type Tensor } from '@recur/backend';
import { tidy, type TfjsContext } from '../context.js';
import { valueOf, type CellCache } from '../handle-store.js';
import type { Tfjs, TfTensor } from '../tf-types.js';
import { forwardOrder, inputProjection, stepMasks } from './cell-layout.js';

/** What one step returns; `saved` holds what the backward pass needs from it. */
interface StepOut {
  readonly h: TfTensor;
  readonly c: TfTensor | null;
  readonly y: TfTensor;
  readonly saved: Record<string, TfTensor>;
}

/** Weights in matrix form, for one call. */
interface Weights {
  /** W_hhᵀ [H, G·H] (a plain matMul: tfjs-wasm's matMul with transposeB is ~10× slower). */
  readonly wHhT: TfTensor;
  /** b_hh as [1, G·H] (GRU only; the other cells fold it into XP). */
  readonly bHh: TfTensor | null;
}

/**
 * rnn: h' = act(XP_t + h·W_hhᵀ)   (XP_t already holds b_ih + b_hh).
 * Saves (when `keep`) the output h' (the derivative is written in terms of it).
 */
function rnnStep(tf: Tfjs, relu: boolean, xp: TfTensor, h: TfTensor, w: Weights, keep: boolean): { h: TfTensor; saved: Record<string, TfTensor> } {
  const a = tf.add(xp, tf.matMul(h, w.wHhT)); // [B, H]
  const hn = relu ? tf.relu(a) : tf.tanh(a);
  return { h: hn, saved: keep ? { act: hn } : {} };
}

/**
 * lstm (gate blocks i, f, g, o):
 *   [a_i a_f a_g a_o] = XP_t + h·W_hhᵀ          [B, 4H]
 *   i, f, o = σ(a_·), g = tanh(a_g)
 *   c' = f⊙c + i⊙g,  h' = o⊙tanh(c')
 * Saves (when `keep`) the activated gates [B, 4H] and tanh(c').
 */
function lstmStep(tf: Tfjs, xp: TfTensor, h: TfTensor, c: TfTensor, w: Weights, keep: boolean): { h: TfTensor; c: TfTensor; saved: Record<string, TfTensor> } {
  const a = tf.add(xp, tf.matMul(h, w.wHhT)); // [B, 4H]
  const [ai, af, ag, ao] = tf.split(a, 4, 1) as [TfTensor, TfTensor, TfTensor, TfTensor];
  const i = tf.sigmoid(ai);
  const f = tf.sigmoid(af);
  const g = tf.tanh(ag);
  const o = tf.sigmoid(ao);
  const cn = tf.add(tf.mul(f, c), tf.mul(i, g));
  const tc = tf.tanh(cn);
  const hn = tf.mul(o, tc);
  return { h: hn, c: cn, saved: keep ? { act: tf.concat([i, f, g, o], 1), tc } : {} };
}

/**
 * gru (gate blocks r, z, n; b_hn inside the reset product):
 *   HP = h·W_hhᵀ + b_hh                          [B, 3H]
 *   r = σ(XP_r + HP_r), z = σ(XP_z + HP_z)
 *   n = tanh(XP_n + r⊙HP_n)
 *   h' = (1 − z)⊙n + z⊙h
 * Saves (when `keep`) the activated gates [B, 3H] and HP_n = W_hn h + b_hn.
 */
function gruStep(tf: Tfjs, xp: TfTensor, h: TfTensor, w: Weights, keep: boolean): { h: TfTensor; saved: Record<string, TfTensor> } {
  let hp = tf.matMul(h, w.wHhT); // [B, 3H]
  if (w.bHh) hp = tf.add(hp, w.bHh);
  const [xr, xz, xn] = tf.split(xp, 3, 1) as [TfTensor, TfTensor, TfTensor];
  const [hr, hz, hn] = tf.split(hp, 3, 1) as [TfTensor, TfTensor, TfTensor];
  const r = tf.sigmoid(tf.add(xr, hr));
  const z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  const hNext = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
  return { h: hNext, saved: keep ? { act: tf.concat([r, z, n], 1), hn } : {} };
}

/** Run `cellForward`; returns the cache handle when `training`. */
export function cellForward(ctx: TfjsContext, p: CellForwardParams): Tensor | null {
  const layout = checkCellForward(ctx.backend, p);
  const { tf, store } = ctx;
  const { T, B, I, H, cell } = p;
  const { G, yStride, yOffset, reverse, lengths } = layout;
  const isLstm = cell === 'lstm';
  const training = p.training === true;

  const out = tidy(tf, () => {
    // W_ihᵀ [I, G·H] and W_hhᵀ [H, G·H], transposed once per weight version (cached on the handle).
    const wIhT = ctx.store.derived(p.wIh, 'weight_ih', (v) => tf.transpose(tf.reshape(v, [G * H, I])));
    const wHhT = ctx.store.derived(p.wHh, 'weight_hh', (v) => tf.transpose(tf.reshape(v, [G * H, H])));
    const bIh = p.bIh ? tf.reshape(valueOf(p.bIh, 'bias_ih'), [1, G * H]) : null;
    const bHh = p.bHh ? tf.reshape(valueOf(p.bHh, 'bias_hh'), [1, G * H]) : null;

    // XP = X·W_ihᵀ + b_ih (+ b_hh for rnn and lstm), [T·B, G·H]
    let bias: TfTensor | null = bIh;
    if (bHh && cell !== 'gru') bias = bias ? tf.add(bias, bHh) : bHh;
    const xpAt = inputProjection(ctx, tf.reshape(valueOf(p.x, 'x'), [T, B, I]), wIhT, bias);
    const w: Weights = { wHhT, bHh: cell === 'gru' ? bHh : null };
    const masks = stepMasks(tf, T, B, lengths);

    let h: TfTensor = p.h0 ? tf.reshape(valueOf(p.h0, 'h0'), [B, H]) : tf.zeros([B, H]);
    let c: TfTensor | null = isLstm ? (p.c0 ? tf.reshape(valueOf(p.c0, 'c0'), [B, H]) : tf.zeros([B, H])) : null;
    const ys: TfTensor[] = new Array<TfTensor>(T);
    const saved: Record<string, TfTensor[]> = {}; // name → one tensor per step, indexed by t
    const save = (name: string, t: number, v: TfTensor): void => {
      (saved[name] ??= new Array<TfTensor>(T))[t] = v;
    };

    for (const t of forwardOrder(T, reverse)) {
      const hPrev = h;
      const cPrev = c;
      const xpt = xpAt(t);
      const step = tidy(tf, (): StepOut => {
        let s: { h: TfTensor; c?: TfTensor; saved: Record<string, TfTensor> };
        if (cell === 'lstm') s = lstmStep(tf, xpt, hPrev, cPrev as TfTensor, w, training);
        else if (cell === 'gru') s = gruStep(tf, xpt, hPrev, w, training);
        else s = rnnStep(tf, cell === 'rnn-relu', xpt, hPrev, w, training);
        const m = masks[t];
        if (!m) return { h: s.h, c: s.c ?? null, y: s.h, saved: s.saved };
        // Padding: carry the state unchanged and write a zero output row.
        return {
          h: tf.where(m, s.h, hPrev),
          c: s.c && cPrev ? tf.where(m, s.c, cPrev) : null,
          y: tf.where(m, s.h, tf.zerosLike(s.h)),
          saved: s.saved,
        };
      });
      ys[t] = step.y;
      if (training) {
        save('hPrev', t, hPrev);
        if (cPrev) save('cPrev', t, cPrev);
        for (const name of Object.keys(step.saved)) save(name, t, step.saved[name] as TfTensor);
      } else {
        // Free what no later step needs (the outer tidy would, but only at its end). h is kept:
        // for unpadded steps it is also the output row.
        if (cPrev && step.c !== cPrev) cPrev.dispose();
      }
      h = step.h;
      c = step.c;
    }

    // y[:, :, yOffset : yOffset + H] = stack(ys)
    let yd: TfTensor = tf.stack(ys); // [T, B, H]
    if (yStride !== H) {
      const old = tf.reshape(valueOf(p.y, 'y'), [T, B, yStride]);
      const parts: TfTensor[] = [];
      if (yOffset > 0) parts.push(tf.slice(old, [0, 0, 0], [T, B, yOffset]));
      parts.push(yd);
      const tail = yStride - yOffset - H;
      if (tail > 0) parts.push(tf.slice(old, [0, 0, yOffset + H], [T, B, tail]));
      yd = tf.concat(parts, 2);
    }
    return { y: yd, hN: tf.clone(h), cN: c ? tf.clone(c) : null, cacheParts: training ? saved : {} };
  });

  store.assign(p.y, out.y, 'y');
  store.assign(p.hN, out.hN, 'hN');
  if (isLstm && p.cN && out.cN) store.assign(p.cN, out.cN, 'cN');
  if (!training) return null;
  const cache: CellCache = { cell, T, B, I, H, reverse, parts: out.cacheParts };
  return store.wrapCache(cache);
}
