/**
 * Optimizers with PyTorch semantics (`torch.optim.SGD/Adam/AdamW/RMSprop`), each update one fused
 * backend `optimizerStep` per parameter. The per-parameter state buffers live on the same backend as
 * the model and move with it in `model.to()`.
 */
import { InvalidArgumentError, optimizerStateCount, type Backend, type OptimizerKind, type Tensor } from '@recur/backend';
import type { Model, StateDict } from '../model/model.js';
import type { Parameter } from '../nn/parameter.js';

/** Hyper-parameters of an {@link Optimizer}. Defaults are PyTorch's. */
export interface OptimizerConfig {
  readonly kind: OptimizerKind;
  /** Base learning rate (schedules scale from it). */
  readonly lr: number;
  /** L2 penalty (sgd, adam, rmsprop) or decoupled decay (adamw; default 0.01). */
  readonly weightDecay?: number;
  /** sgd / rmsprop momentum (default 0). */
  readonly momentum?: number;
  /** sgd dampening (default 0). */
  readonly dampening?: number;
  /** sgd Nesterov momentum. */
  readonly nesterov?: boolean;
  /** adam/adamw β1 (0.9) and β2 (0.999). */
  readonly beta1?: number;
  readonly beta2?: number;
  /** rmsprop smoothing constant (0.99). */
  readonly alpha?: number;
  /** Numerical epsilon (1e-8). */
  readonly eps?: number;
}

/** Host copy of an optimizer's state (for checkpoints). */
export interface OptimizerState {
  readonly config: OptimizerConfig;
  /** Updates done so far. */
  readonly step: number;
  /** Learning rate in use. */
  readonly lr: number;
  /** Buffers named `${parameter}.${index}`. */
  readonly buffers: StateDict;
}

const KINDS: readonly OptimizerKind[] = ['sgd', 'adam', 'adamw', 'rmsprop'];

function checkConfig(c: OptimizerConfig): void {
  if (!c || !KINDS.includes(c.kind)) throw new InvalidArgumentError('optimizer.kind', `must be one of ${KINDS.join(', ')}, got ${JSON.stringify(c?.kind)}.`);
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new InvalidArgumentError('optimizer.lr', `must be a positive finite number, got ${c.lr}.`);
  const nonNeg = (name: string, v: number | undefined) => {
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new InvalidArgumentError(`optimizer.${name}`, `must be ≥ 0, got ${v}.`);
  };
  nonNeg('weightDecay', c.weightDecay);
  nonNeg('momentum', c.momentum);
  nonNeg('dampening', c.dampening);
  nonNeg('eps', c.eps);
  for (const [name, v] of [['beta1', c.beta1], ['beta2', c.beta2], ['alpha', c.alpha]] as const) {
    if (v !== undefined && !(v >= 0 && v < 1)) throw new InvalidArgumentError(`optimizer.${name}`, `must be in [0, 1), got ${v}.`);
  }
  if (c.nesterov && !((c.momentum ?? 0) > 0 && (c.dampening ?? 0) === 0)) {
    throw new InvalidArgumentError('optimizer.nesterov', 'Nesterov momentum requires momentum > 0 and dampening = 0 (as in PyTorch).');
  }
}

/** An optimizer bound to one model. It follows the model across `model.to()`. */
export class Optimizer {
  readonly config: OptimizerConfig;
  /** The learning rate used by the next {@link step} (schedules set it). */
  lr: number;
  private t = 0;
  private readonly state = new Map<Parameter, Tensor[]>();
  private readonly mover = { to: (from: Backend, to: Backend) => this.moveState(from, to) };

  constructor(readonly model: Model, config: OptimizerConfig) {
    checkConfig(config);
    this.config = Object.freeze({ ...config });
    this.lr = config.lr;
    model.attach(this.mover);
  }

  /** Updates done so far. */
  get stepCount(): number {
    return this.t;
  }

  private buffersFor(p: Parameter): Tensor[] {
    let s = this.state.get(p);
    if (!s) {
      const n = optimizerStateCount(this.config.kind, { momentum: this.config.momentum ?? 0 });
      s = Array.from({ length: n }, () => this.model.backend.alloc(p.shape));
      this.state.set(p, s);
    }
    return s;
  }

  /** Apply one update to every parameter from its `grad`. */
  step(): void {
    this.t += 1;
    const backend = this.model.backend;
    const c = this.config;
    for (const p of this.model.parameters()) {
      if (!p.grad) continue;
      backend.optimizerStep({
        kind: c.kind, param: p.value, grad: p.grad, state: this.buffersFor(p), lr: this.lr, step: this.t,
        weightDecay: c.weightDecay ?? (c.kind === 'adamw' ? 0.01 : 0), momentum: c.momentum ?? 0, dampening: c.dampening ?? 0,
        nesterov: c.nesterov ?? false, beta1: c.beta1 ?? 0.9, beta2: c.beta2 ?? 0.999, alpha: c.alpha ?? 0.99, eps: c.eps ?? 1e-8,
      });
    }
  }

  /** Copy the state to the host. */
  async stateDict(): Promise<OptimizerState> {
    const buffers: StateDict = {};
    for (const p of this.model.parameters()) {
      const s = this.state.get(p);
      if (!s) continue;
      for (let i = 0; i < s.length; i++) {
        const data = await this.model.backend.read(s[i] as Tensor);
        buffers[`${p.name}.${i}`] = { shape: [...p.shape], data: data instanceof Float32Array ? data : Float32Array.from(data) };
      }
    }
    return { config: this.config, step: this.t, lr: this.lr, buffers };
  }

  /** Restore state captured by {@link stateDict} (same model architecture and optimizer kind). */
  loadStateDict(state: OptimizerState): void {
    if (state.config.kind !== this.config.kind) {
      throw new InvalidArgumentError('optimizer state', `was saved by '${state.config.kind}', this optimizer is '${this.config.kind}'.`);
    }
    this.disposeState();
    const n = optimizerStateCount(this.config.kind, { momentum: this.config.momentum ?? 0 });
    for (const p of this.model.parameters()) {
      if (!(`${p.name}.0` in state.buffers)) continue;
      const bufs: Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const b = state.buffers[`${p.name}.${i}`];
        if (!b || b.data.length !== p.size) {
          for (const t of bufs) this.model.backend.dispose(t);
          throw new InvalidArgumentError('optimizer state', `buffer ${p.name}.${i} is missing or has the wrong size (expected ${p.size} elements).`);
        }
        bufs.push(this.model.backend.upload(b.data, p.shape));
      }
      this.state.set(p, bufs);
    }
    this.t = state.step;
    this.lr = state.lr;
  }

  private async moveState(from: Backend, to: Backend): Promise<void> {
    for (const [p, bufs] of this.state) {
      const moved: Tensor[] = [];
      for (const b of bufs) moved.push(to.upload(await from.read(b), p.shape));
      for (const b of bufs) from.dispose(b);
      this.state.set(p, moved);
    }
  }

  private disposeState(): void {
    for (const bufs of this.state.values()) for (const b of bufs) this.model.backend.dispose(b);
    this.state.clear();
  }

  /** Free the state buffers and detach from the model. */
  dispose(): void {
    this.disposeState();
    this.model.detach(this.mover);
  }
}
