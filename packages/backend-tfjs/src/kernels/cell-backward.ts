/**
 * `cellBackward`: backpropagation through time over the sequence `cellForward` ran, written out
 * explicitly in tfjs ops (no `tf.grad` over the loop). It mirrors the CPU reference:
 *
 * Shape legend: B batch, T time, I input, H hidden, G gates (rnn 1, lstm 4, gru 3).
 *
 * 1. Walk the steps in the opposite order to the forward pass, carrying dh (and dc for the LSTM).
 *    At step t, the gradient reaching the new state is g = dh + dy_t. On a padding step it is
 *    masked to 0 and dh/dc pass through unchanged (the state was carried).
 * 2. Each step yields the pre-activation gate gradients: dXG_t [B, G·H] (input side) and dHG_t
 *    (hidden side; they differ only in the GRU's n block), and dh_{t−1} = dHG_t·W_hh (+ the direct
 *    path of the GRU), all inside one `tf.tidy`.
 * 3. The weight gradients are then three matMuls over the stacked steps:
 *      dW_ih += dXGᵀ·X, dW_hh += dHGᵀ·H_prev, dx += dXG·W_ih, db_ih += Σ dXG, db_hh += Σ dHG.
 * Every output accumulates (`+=`).
 */
import { checkCellBackward, InvalidArgumentError, type CellBackwardParams, type Tensor } from '@recur/backend';
import { tidy, update, type TfjsContext } from '../context.js';
import { cacheOf, valueOf, type CellCache } from '../handle-store.js';
import type { Tfjs, TfTensor } from '../tf-types.js';
import { forwardOrder, stepMasks, timeSteps } from './cell-layout.js';
import { matMul } from './mat-mul.js';

/** One step's results. */
interface StepGrad {
  /** dL/dh_{t−1} (before padding pass-through). */
  readonly dh: TfTensor;
  /** dL/dc_{t−1} (LSTM). */
  readonly dc: TfTensor | null;
  /** Pre-activation gradients, input side [B, G·H]. */
  readonly dxg: TfTensor;
  /** Pre-activation gradients, hidden side [B, G·H] (same tensor as dxg except for the GRU). */
  readonly dhg: TfTensor;
}

/** Time-indexed views of the cache for one step. */
interface Saved {
  readonly hPrev: TfTensor;
  readonly cPrev: TfTensor | null;
  readonly act: TfTensor;
  /** lstm: tanh(c'); gru: HP_n = W_hn h + b_hn. */
  readonly extra: TfTensor | null;
}

/** rnn: da = g ⊙ act'(h'), with tanh' = 1 − h'², relu' = [h' > 0]; dh_{t−1} = da·W_hh. */
function rnnBack(tf: Tfjs, relu: boolean, g: TfTensor, s: Saved, wHh: TfTensor): StepGrad {
  const da = relu ? tf.where(tf.greater(s.act, 0), g, tf.zerosLike(g)) : tf.mul(g, tf.sub(1, tf.square(s.act)));
  return { dh: tf.matMul(da, wHh), dc: null, dxg: da, dhg: da };
}

/**
 * lstm, with i, f, g, o the activated gates and tc = tanh(c'):
 *   dc' = dc + g_h⊙o⊙(1 − tc²)
 *   do = g_h⊙tc, di = dc'⊙g, dg = dc'⊙i, df = dc'⊙c
 *   da_i = di⊙i(1−i), da_f = df⊙f(1−f), da_g = dg⊙(1−g²), da_o = do⊙o(1−o)
 *   dc_{t−1} = dc'⊙f, dh_{t−1} = [da_i da_f da_g da_o]·W_hh
 */
function lstmBack(tf: Tfjs, gh: TfTensor, dcIn: TfTensor, s: Saved, wHh: TfTensor): StepGrad {
  const [i, f, g, o] = tf.split(s.act, 4, 1) as [TfTensor, TfTensor, TfTensor, TfTensor];
  const tc = s.extra as TfTensor;
  const dcTot = tf.add(dcIn, tf.mul(tf.mul(gh, o), tf.sub(1, tf.square(tc))));
  const dai = tf.mul(tf.mul(dcTot, g), tf.mul(i, tf.sub(1, i)));
  const daf = tf.mul(tf.mul(dcTot, s.cPrev as TfTensor), tf.mul(f, tf.sub(1, f)));
  const dag = tf.mul(tf.mul(dcTot, i), tf.sub(1, tf.square(g)));
  const dao = tf.mul(tf.mul(gh, tc), tf.mul(o, tf.sub(1, o)));
  const da = tf.concat([dai, daf, dag, dao], 1); // [B, 4H]
  return { dh: tf.matMul(da, wHh), dc: tf.mul(dcTot, f), dxg: da, dhg: da };
}

/**
 * gru, with r, z, n the activated gates and hn = W_hn h + b_hn:
 *   dn = g⊙(1 − z), dz = g⊙(h − n), direct dh = g⊙z
 *   da_n = dn⊙(1 − n²), dr = da_n⊙hn, d(hn) = da_n⊙r
 *   da_r = dr⊙r(1−r), da_z = dz⊙z(1−z)
 *   input side [da_r da_z da_n], hidden side [da_r da_z d(hn)], dh_{t−1} = direct + hidden·W_hh
 */
function gruBack(tf: Tfjs, g: TfTensor, s: Saved, wHh: TfTensor): StepGrad {
  const [r, z, n] = tf.split(s.act, 3, 1) as [TfTensor, TfTensor, TfTensor];
  const hn = s.extra as TfTensor;
  const dn = tf.mul(g, tf.sub(1, z));
  const dz = tf.mul(g, tf.sub(s.hPrev, n));
  const dan = tf.mul(dn, tf.sub(1, tf.square(n)));
  const dr = tf.mul(dan, hn);
  const dhn = tf.mul(dan, r);
  const dar = tf.mul(dr, tf.mul(r, tf.sub(1, r)));
  const daz = tf.mul(dz, tf.mul(z, tf.sub(1, z)));
  const dxg = tf.concat([dar, daz, dan], 1); // [B, 3H]
  const dhg = tf.concat([dar, daz, dhn], 1);
  return { dh: tf.add(tf.mul(g, z), tf.matMul(dhg, wHh)), dc: null, dxg, dhg };
}

function checkCacheMatches(cache: CellCache, p: CellBackwardParams, reverse: boolean): void {
  const mismatch: string[] = [];
  if (cache.cell !== p.cell) mismatch.push(`cell ${cache.cell} vs ${p.cell}`);
  for (const k of ['T', 'B', 'I', 'H'] as const) if (cache[k] !== p[k]) mismatch.push(`${k} ${cache[k]} vs ${p[k]}`);
  if (cache.reverse !== reverse) mismatch.push(`reverse ${String(cache.reverse)} vs ${String(reverse)}`);
  if (mismatch.length > 0) {
    throw new InvalidArgumentError(
      'cache',
      `was made by a cellForward call with a different layout (${mismatch.join(', ')}). Pass the cache of the matching forward call.`,
    );
  }
}

/** Run `cellBackward` (all gradient outputs accumulate). */
export function cellBackward(ctx: TfjsContext, p: CellBackwardParams): void {
  const layout = checkCellBackward(ctx.backend, p);
  const { T, B, I, H, cell } = p;
  const { G, yStride, yOffset, reverse, lengths } = layout;
  const cache = cacheOf(p.cache, 'cache');
  checkCacheMatches(cache, p, reverse);
  const { tf } = ctx;
  const isLstm = cell === 'lstm';

  const grads = tidy(tf, () => {
    const wHh = tf.reshape(valueOf(p.wHh, 'weight_hh'), [G * H, H]);
    // The cache holds one tensor per step for each part.
    const parts = cache.parts;
    const at = (name: string | undefined) => (name && parts[name] ? (t: number) => parts[name]?.[t] as TfTensor : null);
    const hPrev = at('hPrev') as (t: number) => TfTensor;
    const act = at('act') as (t: number) => TfTensor;
    const cPrev = isLstm ? at('cPrev') : null;
    const extra = at(isLstm ? 'tc' : cell === 'gru' ? 'hn' : undefined);
    let dys: ((t: number) => TfTensor) | null = null;
    if (p.dy) {
      let dy: TfTensor = tf.reshape(valueOf(p.dy, 'dy'), [T, B, yStride]);
      if (yStride !== H) dy = tf.slice(dy, [0, 0, yOffset], [T, B, H]);
      dys = timeSteps(tf, ctx.engine, dy);
    }
    const masks = stepMasks(tf, T, B, lengths);

    let dh: TfTensor = p.dhN ? tf.reshape(valueOf(p.dhN, 'dhN'), [B, H]) : tf.zeros([B, H]);
    let dc: TfTensor | null = isLstm ? (p.dcN ? tf.reshape(valueOf(p.dcN, 'dcN'), [B, H]) : tf.zeros([B, H])) : null;
    const dxgs = new Array<TfTensor>(T);
    const dhgs = new Array<TfTensor>(T);

    for (const t of forwardOrder(T, reverse).reverse()) {
      const dhIn = dh;
      const dcIn = dc;
      const s: Saved = {
        hPrev: hPrev(t),
        cPrev: cPrev ? cPrev(t) : null,
        act: act(t),
        extra: extra ? extra(t) : null,
      };
      const dyt = dys ? dys(t) : null;
      const step = tidy(tf, () => {
        const m = masks[t];
        let g = dyt ? tf.add(dhIn, dyt) : dhIn;
        let dcStep = dcIn;
        if (m) {
          // Padding rows: no gradient into the cell; dh and dc pass through below.
          g = tf.where(m, g, tf.zerosLike(g));
          if (dcStep) dcStep = tf.where(m, dcStep, tf.zerosLike(dcStep));
        }
        let r: StepGrad;
        if (cell === 'lstm') r = lstmBack(tf, g, dcStep as TfTensor, s, wHh);
        else if (cell === 'gru') r = gruBack(tf, g, s, wHh);
        else r = rnnBack(tf, cell === 'rnn-relu', g, s, wHh);
        if (!m) return r;
        return {
          dh: tf.where(m, r.dh, dhIn),
          dc: r.dc && dcIn ? tf.where(m, r.dc, dcIn) : null,
          dxg: r.dxg,
          dhg: r.dhg,
        };
      });
      dxgs[t] = step.dxg;
      dhgs[t] = step.dhg;
      dhIn.dispose();
      dcIn?.dispose();
      dh = step.dh;
      dc = step.dc;
    }

    // Stacked over time: dXG, dHG [T·B, G·H].
    const dXG = tf.reshape(tf.stack(dxgs), [T * B, G * H]);
    const dHG = cell === 'gru' ? tf.reshape(tf.stack(dhgs), [T * B, G * H]) : dXG;
    const x = tf.reshape(valueOf(p.x, 'x'), [T * B, I]);
    return {
      dWih: matMul(ctx, dXG, x, true, false), // [G·H, I]
      dWhh: matMul(ctx, dHG, tf.reshape(tf.stack(parts.hPrev as TfTensor[]), [T * B, H]), true, false), // [G·H, H]
      dbIh: p.dbIh ? tf.sum(dXG, 0) : null,
      dbHh: p.dbHh ? tf.sum(dHG, 0) : null,
      dx: p.dx ? tf.matMul(dXG, tf.reshape(valueOf(p.wIh, 'weight_ih'), [G * H, I])) : null, // [T·B, I]
      dh0: p.dh0 ? dh : null,
      dc0: p.dc0 && dc ? dc : null,
    };
  });

  // Accumulate, one output at a time (so aliased outputs, e.g. dbIh === dbHh, add up correctly).
  const accumulate = (out: Tensor | null | undefined, inc: TfTensor | null, what: string): void => {
    if (!out || !inc) {
      inc?.dispose();
      return;
    }
    update(ctx, out, what, () => tf.add(tf.reshape(valueOf(out, what), inc.shape), inc));
    inc.dispose();
  };
  accumulate(p.dWih, grads.dWih, 'dWih');
  accumulate(p.dWhh, grads.dWhh, 'dWhh');
  accumulate(p.dbIh, grads.dbIh, 'dbIh');
  accumulate(p.dbHh, grads.dbHh, 'dbHh');
  accumulate(p.dx, grads.dx, 'dx');
  accumulate(p.dh0, grads.dh0, 'dh0');
  accumulate(p.dc0, grads.dc0, 'dc0');
}
