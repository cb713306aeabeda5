/**
 * Gradient norm by lag: ‖∂ℓ/∂x_{t−k}‖ against k, the vanishing-gradient picture.
 *
 * ℓ is each example's loss at the last step t = T−1 (seq2one: the head on the final state;
 * seq2seq/lm: the head on step T−1's output). The gradient with respect to every input step comes
 * from the backend's own BPTT (`cellBackward` with `dx`), layer by layer, so this runs on any
 * backend that declares `training`. Core's `Model.backwardPass` does not return input gradients
 * (only parameter gradients), so the probe re-runs the recurrent stack on the backend from the
 * model's `state_dict`; the small head is differentiated on the host in float64.
 *
 * Per lag k: `norm[k] = (1/B) Σ_b ‖∂ℓ_b/∂x_{T−1−k, b}‖₂` (the L2 norm over the I input features,
 * averaged over the batch; for an lm, the gradient with respect to the embedded input vector).
 */
import { CapabilityError, GATE_COUNT, InvalidArgumentError, ShapeError, type Tensor } from '@recur/backend';
import type { RecurModelLike } from './model-like.js';
import { cellWeights } from './reference.js';

/** The loss whose gradient is traced. */
export type LagLoss =
  /** ℓ = (1/O) Σ_o (ŷ_o − y_o)², targets [B, O]. */
  | 'mse'
  /** ℓ = −ln softmax(ŷ)[y], targets [B] class indices. */
  | 'cross-entropy'
  /** ℓ = Σ_o ŷ_o (no targets): the sensitivity of the output itself. */
  | 'sum';

/** Options of {@link gradientByLag}. */
export interface GradientByLagOptions {
  /** Default `mse` when targets are given, else `sum`. */
  readonly loss?: LagLoss;
  /** Targets at the last step: [B, O] for mse, [B] class ids for cross-entropy. */
  readonly targets?: ArrayLike<number>;
}

/** The result of {@link gradientByLag}. */
export interface GradientByLag {
  readonly cell: string;
  /** k = 0 … T−1 (k = 0 is the last step). */
  readonly lags: number[];
  /** Mean over the batch of ‖∂ℓ/∂x_{T−1−k}‖₂. */
  readonly norms: Float64Array;
  /** norms[k] / norms[0] (NaN when norms[0] is 0). */
  readonly relative: Float64Array;
}


/**
 * ‖∂ℓ/∂x_{T−1−k}‖ for k = 0 … T−1 on a time-major batch (inputs [T, B, I], or token ids [T, B]
 * for an lm), computed with the model's backend.
 */
export async function gradientByLag(model: RecurModelLike, batch: { inputs: ArrayLike<number>; T: number; B: number }, options: GradientByLagOptions = {}): Promise<GradientByLag> {
  const config = model.config;
  const backend = model.backend;
  if (!backend.capabilities.training) throw new CapabilityError(backend.name, 'training', 'the gradient probe needs cellBackward');
  const { T, B } = batch;
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) throw new InvalidArgumentError('gradientByLag: batch', `T and B must be positive integers; got T=${T}, B=${B}.`);
  const H = config.hiddenSize;
  const D = config.bidirectional ? 2 : 1;
  const DH = D * H;
  const L = config.numLayers;
  const G = GATE_COUNT[config.cell];
  const lstm = config.cell === 'lstm';
  const dict = await model.stateDict();
  const loss = options.loss ?? (options.targets ? 'mse' : 'sum');
  if (loss !== 'sum' && !options.targets) throw new InvalidArgumentError('gradientByLag: targets', `the ${loss} loss needs targets.`);

  // Layer-0 input x [T, B, I] on the host (an lm's tokens are embedded here).
  const I0 = config.inputSize;
  let x0: Float32Array;
  if (config.kind === 'lm') {
    if (batch.inputs.length !== T * B) throw new ShapeError('gradientByLag: token ids', [T, B], `${batch.inputs.length} values`);
    const emb = dict['embedding.weight'];
    if (!emb) throw new InvalidArgumentError('stateDict', 'an lm needs "embedding.weight".');
    x0 = new Float32Array(T * B * I0);
    for (let r = 0; r < T * B; r++) for (let e = 0; e < I0; e++) x0[r * I0 + e] = emb.data[(batch.inputs[r] as number) * I0 + e] as number;
  } else {
    if (batch.inputs.length !== T * B * I0) throw new ShapeError('gradientByLag: inputs', [T, B, I0], `${batch.inputs.length} values`, 'Inputs are time-major [T, B, I].');
    x0 = Float32Array.from(batch.inputs);
  }

  const owned: Tensor[] = [];
  const keep = <X extends Tensor | null>(t: X): X => {
    if (t) owned.push(t);
    return t;
  };
  try {
    // ---- forward, every layer and direction, caches kept -------------------------------------------
    interface Dir {
      w: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null };
      cache: Tensor;
      hN: Tensor;
      I: number;
    }
    const layers: { x: Tensor; y: Tensor; dirs: Dir[] }[] = [];
    let x = keep(backend.upload(x0, [T, B, I0]));
    for (let l = 0; l < L; l++) {
      const I = l === 0 ? I0 : DH;
      const y = keep(backend.alloc([T, B, DH]));
      const dirs: Dir[] = [];
      for (let d = 0; d < D; d++) {
        const cw = cellWeights(dict, config, l, d as 0 | 1);
        const w = {
          wIh: keep(backend.upload(cw.wIh, [G * H, I])),
          wHh: keep(backend.upload(cw.wHh, [G * H, H])),
          bIh: config.bias ? keep(backend.upload(cw.bIh, [G * H])) : null,
          bHh: config.bias ? keep(backend.upload(cw.bHh, [G * H])) : null,
        };
        const hN = keep(backend.alloc([B, H]));
        const cN = lstm ? keep(backend.alloc([B, H])) : null;
        const cache = backend.cellForward({
          cell: config.cell, T, B, I, H, reverse: d === 1, yStride: DH, yOffset: d * H,
          x, h0: null, c0: null, y, hN, cN, training: true, ...w,
        });
        if (!cache) throw new CapabilityError(backend.name, 'training caches', 'cellForward returned no cache with training: true');
        keep(cache);
        dirs.push({ w, cache, hN, I });
      }
      layers.push({ x, y, dirs });
      x = y;
    }

    // ---- head and loss on the host (float64): dℓ/dfeatures [B, D·H] -----------------------------------
    const top = layers[L - 1]!;
    const features = new Float64Array(B * DH);
    if (config.kind === 'seq2one') {
      for (let d = 0; d < D; d++) {
        const hN = await backend.read(top.dirs[d]!.hN);
        for (let b = 0; b < B; b++) for (let u = 0; u < H; u++) features[b * DH + d * H + u] = hN[b * H + u] as number;
      }
    } else {
      const y = await backend.read(top.y);
      for (let i = 0; i < B * DH; i++) features[i] = y[(T - 1) * B * DH + i] as number;
    }
    const dFeatures = headAndLossGradient(dict, config, features, B, DH, loss, options.targets);

    // ---- backward, top layer down, with dx ------------------------------------------------------------
    let dy: Tensor | null = null;
    const dhNs: (Tensor | null)[] = [];
    if (config.kind === 'seq2one') {
      for (let d = 0; d < D; d++) {
        const part = new Float32Array(B * H);
        for (let b = 0; b < B; b++) for (let u = 0; u < H; u++) part[b * H + u] = dFeatures[b * DH + d * H + u] as number;
        dhNs.push(keep(backend.upload(part, [B, H])));
      }
    } else {
      const full = new Float32Array(T * B * DH);
      for (let i = 0; i < B * DH; i++) full[(T - 1) * B * DH + i] = dFeatures[i] as number;
      dy = keep(backend.upload(full, [T, B, DH]));
    }
    let dx: Tensor | null = null;
    for (let l = L - 1; l >= 0; l--) {
      const layer = layers[l]!;
      const I = l === 0 ? I0 : DH;
      dx = keep(backend.alloc([T, B, I]));
      for (let d = 0; d < D; d++) {
        const dir = layer.dirs[d]!;
        backend.cellBackward({
          cell: config.cell, T, B, I, H, reverse: d === 1, yStride: DH, yOffset: d * H,
          x: layer.x, h0: null, c0: null, cache: dir.cache, dy, dhN: l === L - 1 ? (dhNs[d] ?? null) : null, dcN: null, dx,
          dWih: keep(backend.alloc([G * H, I])), dWhh: keep(backend.alloc([G * H, H])),
          dbIh: config.bias ? keep(backend.alloc([G * H])) : null, dbHh: config.bias ? keep(backend.alloc([G * H])) : null,
          ...dir.w,
        });
      }
      dy = dx;
    }
    const grad = await backend.read(dx as Tensor);

    // ---- norms by lag ------------------------------------------------------------------------------------
    const norms = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let acc = 0;
      for (let b = 0; b < B; b++) {
        let s = 0;
        for (let i = 0; i < I0; i++) {
          const g = grad[(t * B + b) * I0 + i] as number;
          s += g * g;
        }
        acc += Math.sqrt(s);
      }
      norms[T - 1 - t] = acc / B;
    }
    const relative = norms.map((v) => (norms[0] === 0 ? Number.NaN : v / (norms[0] as number)));
    return { cell: config.cell, lags: Array.from({ length: T }, (_, k) => k), norms, relative };
  } finally {
    for (const t of owned) backend.dispose(t);
  }
}

/** dℓ_b/dfeatures for every example b, through the dense head (if any) and its activation. */
function headAndLossGradient(
  dict: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>,
  config: RecurModelLike['config'],
  features: Float64Array,
  B: number,
  DH: number,
  loss: LagLoss,
  targets: ArrayLike<number> | undefined,
): Float64Array {
  const O = config.outputSize ?? DH;
  const W = config.outputSize !== null ? dict['head.weight'] : null;
  const bias = config.outputSize !== null ? dict['head.bias'] : null;
  if (config.outputSize !== null && !W) throw new InvalidArgumentError('stateDict', 'the model has a head but no "head.weight".');
  // out = act(W f + b) [B, O]
  const out = new Float64Array(B * O);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < O; o++) {
      let z: number;
      if (W) {
        z = bias ? (bias.data[o] as number) : 0;
        for (let j = 0; j < DH; j++) z += (W.data[o * DH + j] as number) * (features[b * DH + j] as number);
        z = act(config.headActivation, z);
      } else {
        z = features[b * DH + o] as number;
      }
      out[b * O + o] = z;
    }
  }
  // dℓ/dout
  const dOut = new Float64Array(B * O);
  if (loss === 'sum') dOut.fill(1);
  else if (loss === 'mse') {
    if (targets!.length !== B * O) throw new ShapeError('gradientByLag: targets (mse)', [B, O], `${targets!.length} values`);
    for (let i = 0; i < B * O; i++) dOut[i] = (2 * ((out[i] as number) - (targets![i] as number))) / O;
  } else {
    if (targets!.length !== B) throw new ShapeError('gradientByLag: targets (cross-entropy)', [B], `${targets!.length} values`);
    for (let b = 0; b < B; b++) {
      let m = -Infinity;
      for (let o = 0; o < O; o++) m = Math.max(m, out[b * O + o] as number);
      let s = 0;
      for (let o = 0; o < O; o++) s += Math.exp((out[b * O + o] as number) - m);
      for (let o = 0; o < O; o++) dOut[b * O + o] = Math.exp((out[b * O + o] as number) - m) / s - (o === targets![b] ? 1 : 0);
    }
  }
  if (!W) return dOut;
  // Through the activation (derivative from the output y) and W: dF = (dOut ⊙ act'(·)) W.
  const dF = new Float64Array(B * DH);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < O; o++) {
      const y = out[b * O + o] as number;
      const g = (dOut[b * O + o] as number) * actGrad(config.headActivation, y);
      if (g === 0) continue;
      for (let j = 0; j < DH; j++) dF[b * DH + j] = (dF[b * DH + j] as number) + g * (W.data[o * DH + j] as number);
    }
  }
  return dF;
}

function act(kind: string, v: number): number {
  if (kind === 'tanh') return Math.tanh(v);
  if (kind === 'sigmoid') return 1 / (1 + Math.exp(-v));
  if (kind === 'relu') return Math.max(0, v);
  return v;
}

function actGrad(kind: string, y: number): number {
  if (kind === 'tanh') return 1 - y * y;
  if (kind === 'sigmoid') return y * (1 - y);
  if (kind === 'relu') return y > 0 ? 1 : 0;
  return 1;
}

