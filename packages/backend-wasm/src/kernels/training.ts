/** Losses, optimizer updates, and the embedding gather / scatter-add on the WASM kernels. */
import { InvalidArgumentError, checkOptimizerStep, type GatherParams, type LossParams, type OptimizerStepParams, type ScatterAddParams } from '@recur/backend';
import { LOSS_CODE } from '../kernel-exports.js';
import type { WasmContext } from '../wasm-context.js';

/** Mean loss (1 element) and, when `grad` is given, dLoss/dpred. */
export function loss(c: WasmContext, p: LossParams): void {
  const kind = LOSS_CODE[p.kind];
  const { n } = p;
  const cols = p.c;
  const ce = p.kind === 'cross-entropy';
  const target = c.ptr(p.target);
  if (ce) {
    // a class index outside [0, c) would read past the row: refuse it (the data is on the host)
    const f = c.view();
    const base = target >>> 2;
    for (let r = 0; r < n; r++) {
      const cls = f[base + r] as number;
      if (!Number.isInteger(cls) || cls < 0 || cls >= cols) {
        throw new InvalidArgumentError('loss.target', `row ${r} holds class ${cls}, outside [0, ${cols}); cross-entropy targets are class indices.`);
      }
    }
  }
  const value = c.k.loss(kind, c.ptr(p.pred), target, n, cols, p.delta ?? 1, c.optPtr(p.weights), c.optPtr(p.grad));
  c.view()[c.ptr(p.loss) >>> 2] = value;
}

/** One in-place torch.optim SGD / Adam / AdamW / RMSprop update of `param` (PyTorch semantics). */
export function optimizerStep(c: WasmContext, p: OptimizerStepParams): void {
  const hp = checkOptimizerStep(p); // PyTorch's defaults applied
  const n = p.param.size;
  const param = c.ptr(p.param);
  const grad = c.ptr(p.grad);
  const state = p.state.map((s) => c.ptr(s));
  switch (hp.kind) {
    case 'sgd':
      c.k.sgd(param, grad, state[0] ?? 0, n, hp.lr, hp.weightDecay, hp.momentum, hp.dampening, hp.nesterov ? 1 : 0, hp.step === 1 ? 1 : 0);
      return;
    case 'adam':
    case 'adamw': {
      const bc1 = 1 - hp.beta1 ** hp.step;
      const bc2 = 1 - hp.beta2 ** hp.step;
      c.k.adam(param, grad, state[0] as number, state[1] as number, n, hp.lr, hp.beta1, hp.beta2, hp.eps, hp.weightDecay, hp.kind === 'adamw' ? 1 : 0, hp.lr / bc1, 1 / Math.sqrt(bc2));
      return;
    }
    case 'rmsprop':
      c.k.rmsprop(param, grad, state[0] as number, state[1] ?? 0, n, hp.lr, hp.alpha, hp.eps, hp.weightDecay, hp.momentum);
      return;
  }
}

/** out[r] = table[indices[r]] (indices checked against the table's rows before). */
export function gather(c: WasmContext, p: GatherParams): void {
  const f = c.view();
  const t0 = c.ptr(p.table) >>> 2;
  const o0 = c.ptr(p.out) >>> 2;
  for (let r = 0; r < p.indices.length; r++) {
    const s = t0 + (p.indices[r] as number) * p.dim;
    f.copyWithin(o0 + r * p.dim, s, s + p.dim);
  }
}

/** dTable[indices[r]] += grad[r]. */
export function scatterAdd(c: WasmContext, p: ScatterAddParams): void {
  const dTable = c.ptr(p.dTable);
  const grad = c.ptr(p.grad);
  for (let r = 0; r < p.indices.length; r++) {
    c.k.axpy(dTable + (p.indices[r] as number) * p.dim * 4, grad + r * p.dim * 4, p.dim, 1);
  }
}
