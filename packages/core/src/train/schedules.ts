/**
 * Learning-rate schedules (PyTorch semantics):
 * - step:     lr = base · γ^⌊n / stepSize⌋                                  (StepLR)
 * - cosine:   lr = ηmin + (base − ηmin)·(1 + cos(π·min(n, tMax)/tMax))/2    (CosineAnnealingLR, no restarts)
 * - reduce-on-plateau: multiply by `factor` after `patience` epochs without a relative improvement
 *   of `threshold` in the monitored metric, then wait `cooldown` epochs; never below `minLr`.
 * `n` counts epochs (default) or optimizer steps (`interval: 'step'`).
 */
import { InvalidArgumentError } from '@recur/backend';

/** A schedule description (JSON). */
export type ScheduleConfig =
  | { readonly kind: 'step'; readonly stepSize: number; readonly gamma?: number; readonly interval?: 'epoch' | 'step' }
  | { readonly kind: 'cosine'; readonly tMax: number; readonly etaMin?: number; readonly interval?: 'epoch' | 'step' }
  | {
      readonly kind: 'reduce-on-plateau';
      readonly factor?: number;
      readonly patience?: number;
      readonly threshold?: number;
      readonly cooldown?: number;
      readonly minLr?: number;
    };

/** Serialisable schedule state (for checkpoints). */
export interface ScheduleState {
  readonly n: number;
  readonly lr: number;
  readonly best: number | null;
  readonly badEpochs: number;
  readonly cooldownLeft: number;
}

/** A learning-rate schedule driven by the fit loop. */
export class LrSchedule {
  private n = 0;
  private current: number;
  private best: number | null = null;
  private badEpochs = 0;
  private cooldownLeft = 0;

  constructor(readonly config: ScheduleConfig, readonly baseLr: number) {
    validateSchedule(config);
    this.current = baseLr;
  }

  /** The learning rate to use now. */
  get lr(): number {
    return this.current;
  }

  private recompute(): void {
    const c = this.config;
    if (c.kind === 'step') this.current = this.baseLr * (c.gamma ?? 0.1) ** Math.floor(this.n / c.stepSize);
    else if (c.kind === 'cosine') {
      const etaMin = c.etaMin ?? 0;
      this.current = etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((Math.PI * Math.min(this.n, c.tMax)) / c.tMax))) / 2;
    }
  }

  /** Call after every optimizer step. */
  onStep(): void {
    if (this.config.kind !== 'reduce-on-plateau' && this.config.interval === 'step') {
      this.n += 1;
      this.recompute();
    }
  }

  /** Call at the end of every epoch with the monitored metric (validation loss, else training loss). */
  onEpochEnd(metric: number): void {
    const c = this.config;
    if (c.kind === 'reduce-on-plateau') {
      const threshold = c.threshold ?? 1e-4;
      if (this.best === null || metric < this.best * (1 - threshold)) {
        this.best = metric;
        this.badEpochs = 0;
      } else {
        this.badEpochs += 1;
      }
      if (this.cooldownLeft > 0) {
        this.cooldownLeft -= 1;
        this.badEpochs = 0;
      }
      if (this.badEpochs > (c.patience ?? 10)) {
        const next = Math.max(this.current * (c.factor ?? 0.1), c.minLr ?? 0);
        if (this.current - next > 1e-8) this.current = next; // PyTorch ignores changes below eps = 1e-8
        this.cooldownLeft = c.cooldown ?? 0;
        this.badEpochs = 0;
      }
      return;
    }
    if ((c.interval ?? 'epoch') === 'epoch') {
      this.n += 1;
      this.recompute();
    }
  }

  getState(): ScheduleState {
    return { n: this.n, lr: this.current, best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft };
  }

  setState(s: ScheduleState): void {
    this.n = s.n;
    this.current = s.lr;
    this.best = s.best;
    this.badEpochs = s.badEpochs;
    this.cooldownLeft = s.cooldownLeft;
  }
}

function validateSchedule(c: ScheduleConfig): void {
  const pos = (name: string, v: number | undefined, integer = false) => {
    if (v === undefined) return;
    if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new InvalidArgumentError(`schedule.${name}`, `must be a positive ${integer ? 'integer' : 'number'}, got ${v}.`);
    }
  };
  switch (c?.kind) {
    case 'step':
      pos('stepSize', c.stepSize ?? NaN, true);
      pos('gamma', c.gamma);
      return;
    case 'cosine':
      pos('tMax', c.tMax ?? NaN, true);
      if (c.etaMin !== undefined && !(c.etaMin >= 0)) throw new InvalidArgumentError('schedule.etaMin', `must be ≥ 0, got ${c.etaMin}.`);
      return;
    case 'reduce-on-plateau':
      if (c.factor !== undefined && !(c.factor > 0 && c.factor < 1)) throw new InvalidArgumentError('schedule.factor', `must be in (0, 1), got ${c.factor}.`);
      if (c.patience !== undefined && !(Number.isInteger(c.patience) && c.patience >= 0)) throw new InvalidArgumentError('schedule.patience', 'must be a non-negative integer.');
      return;
    default:
      throw new InvalidArgumentError('schedule.kind', `must be 'step', 'cosine' or 'reduce-on-plateau', got ${JSON.stringify((c as { kind?: unknown })?.kind)}.`);
  }
}
