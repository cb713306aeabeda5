/**
 * The `fit` loop: epochs over a list of batches, in their given (chronological) order unless
 * `shuffle` is set, with optional truncated BPTT, validation, LR schedule, early stopping,
 * gradient clipping, callbacks and checkpoints. Resuming from a checkpoint continues exactly: the
 * same losses and final weights as a run that never stopped (same seed and backend).
 *
 * Truncated BPTT (`tbptt.chunkLength = k`): each batch is a long stream [T, B, I] cut into chunks of
 * k steps; each chunk is one optimizer step; the final state of a chunk is the initial state of the
 * next (values only, no gradient flows across the cut); the state starts from zeros on each batch.
 */
import { InvalidArgumentError, type Tensor } from '@recur/backend';
import type { Batch } from '../model/batch.js';
import type { DeviceState, Model, StateDict } from '../model/model.js';
import { saveCheckpoint, type Checkpoint, type EpochLog } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { resolveLoss, type LossConfig } from './losses.js';
import { Optimizer, type OptimizerConfig } from './optimizer.js';
import { LrSchedule, type ScheduleConfig } from './schedules.js';
import { trainStep } from './train-step.js';

/** Reported after every optimizer step. */
export interface StepInfo {
  /** 1-based global step. */
  readonly step: number;
  readonly epoch: number;
  /** Index of the batch in the training list. */
  readonly batch: number;
  /** Truncated-BPTT chunk within the batch (0 without tbptt). */
  readonly chunk: number;
  readonly loss: number;
  /** Global gradient L2 norm before clipping. */
  readonly gradNorm: number;
  /** Learning rate used by this step. */
  readonly lr: number;
}

/** Return `'stop'` from a callback to end training after the current step/epoch. */
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

/** Hooks called by {@link fit}. Exceptions thrown by a callback propagate (after nothing else runs). */
export interface FitCallbacks {
  onStepEnd?(info: StepInfo): CallbackResult;
  onEpochEnd?(log: EpochLog): CallbackResult;
  /** After a checkpoint was taken (and written, when `checkpoint.path` is set). */
  onCheckpoint?(checkpoint: Checkpoint): CallbackResult;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** Number of epochs (total, counting epochs done before a resume). */
  readonly epochs: number;
  /** An optimizer config (a new {@link Optimizer} is made) or an existing optimizer of this model. */
  readonly optimizer: OptimizerConfig | Optimizer;
  /** Default: 'cross-entropy' for language models, else 'mse'. */
  readonly loss?: LossConfig;
  /** Validation batches, evaluated at the end of every epoch. Keep them after the training data in time. */
  readonly validation?: readonly Batch[] | null;
  /** Visit batches in a seeded random order each epoch (the steps inside each sequence keep their order). Default false. */
  readonly shuffle?: boolean;
  readonly schedule?: ScheduleConfig | null;
  readonly clipNorm?: number | null;
  readonly clipValue?: number | null;
  readonly tbptt?: { readonly chunkLength: number } | null;
  /** Stop when the monitored loss (validation if given, else training) has not improved by `minDelta` for `patience` epochs. */
  readonly earlyStopping?: { readonly patience: number; readonly minDelta?: number; readonly restoreBest?: boolean } | null;
  readonly callbacks?: FitCallbacks | readonly FitCallbacks[];
  /** Take a checkpoint every `every` steps; write it to `path` (atomically, Node only) and/or pass it to `onCheckpoint`. */
  readonly checkpoint?: { readonly every: number; readonly path?: string } | null;
  /** Continue from this checkpoint. */
  readonly resumeFrom?: Checkpoint | null;
  /** Stop after this many global steps. */
  readonly maxSteps?: number | null;
}

/** What {@link fit} returns. */
export interface History {
  readonly epochs: EpochLog[];
  /** Every step of this call (a resumed run lists only its own steps). */
  readonly steps: StepInfo[];
  /** Global steps completed. */
  readonly step: number;
  readonly stopReason: 'epochs' | 'early-stopping' | 'callback' | 'max-steps';
  readonly bestEpoch: number | null;
  readonly bestLoss: number | null;
  /** The optimizer used (pass it to a later fit to keep its state). */
  readonly optimizer: Optimizer;
}

function sliceTime(batch: Batch, from: number, to: number, I: number): Batch {
  const { B } = batch;
  const T = to - from;
  const inputs = sliceRows(batch.inputs, from * B * I, to * B * I);
  let targets: ArrayLike<number> | null = null;
  if (batch.targets) {
    const per = batch.targets.length / (batch.T * B);
    targets = sliceRows(batch.targets, from * B * per, to * B * per);
  }
  let lengths: number[] | null = null;
  if (batch.lengths) {
    lengths = [];
    for (let b = 0; b < B; b++) lengths.push(Math.max(0, Math.min(T, (batch.lengths[b] as number) - from)));
    if (lengths.some((l) => l === 0)) {
      throw new InvalidArgumentError('batch.lengths', 'truncated BPTT needs every stream to cover every chunk; use equal-length streams.');
    }
  }
  return { inputs, T, B, lengths, targets };
}

function sliceRows(a: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  if (a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array) return a.subarray(from, to);
  return Array.prototype.slice.call(a, from, to) as number[];
}

/** Train `model` on `train` batches. See {@link FitOptions}. */
export async function fit(model: Model, train: readonly Batch[], options: FitOptions): Promise<History> {
  if (!Array.isArray(train) || train.length === 0) throw new InvalidArgumentError('train', 'needs at least one batch.');
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new InvalidArgumentError('epochs', `must be a positive integer, got ${options.epochs}.`);
  const kind = model.config.kind;
  const loss: LossConfig = options.loss ?? (kind === 'lm' ? 'cross-entropy' : 'mse');
  resolveLoss(loss);
  if (options.tbptt) {
    const k = options.tbptt.chunkLength;
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('tbptt.chunkLength', `must be a positive integer, got ${k}.`);
    if (kind === 'seq2one') throw new InvalidArgumentError('tbptt', 'truncated BPTT needs per-step targets (seq2seq or lm models).');
    if (model.rnn.directions === 2) throw new InvalidArgumentError('tbptt', 'a bidirectional model cannot carry state forward across chunks.');
  }
  const every = options.checkpoint?.every;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw new InvalidArgumentError('checkpoint.every', `must be a positive integer, got ${every}.`);
  const patience = options.earlyStopping?.patience;
  if (patience !== undefined && (!Number.isInteger(patience) || patience < 1)) throw new InvalidArgumentError('earlyStopping.patience', `must be a positive integer, got ${patience}.`);
  const callbacks: FitCallbacks[] = options.callbacks ? (Array.isArray(options.callbacks) ? [...options.callbacks] : [options.callbacks as FitCallbacks]) : [];

  const optimizer = options.optimizer instanceof Optimizer ? options.optimizer : new Optimizer(model, options.optimizer);
  const schedule = options.schedule ? new LrSchedule(options.schedule, optimizer.config.lr) : null;
  const backend = () => model.backend;

  // ---- state (restored from a checkpoint when resuming) ----
  let step = 0;
  let epoch = 0;
  let index = 0;
  let chunk = 0;
  let order: number[] = [];
  let epochSum = 0;
  let epochWeight = 0;
  let carried: DeviceState | null = null;
  const history: EpochLog[] = [];
  let best: number | null = null;
  let bestEpoch = -1;
  let wait = 0;
  let bestWeights: StateDict | null = null;
  let midEpoch = false;

  const r = options.resumeFrom;
  if (r) {
    if (JSON.stringify(r.config) !== JSON.stringify(model.config)) {
      throw new InvalidArgumentError('resumeFrom', 'the checkpoint was made by a model with a different config; create the model from checkpoint.config.');
    }
    model.loadStateDict(r.weights);
    optimizer.loadStateDict(r.optimizer);
    model.rng.setState(r.rng);
    if (schedule && r.schedule) schedule.setState(r.schedule);
    step = r.step;
    ({ epoch, index, chunk } = r.position);
    order = [...r.position.order];
    epochSum = r.epochLoss.sum;
    epochWeight = r.epochLoss.weight;
    history.push(...r.history);
    best = r.earlyStopping.best;
    bestEpoch = r.earlyStopping.bestEpoch;
    wait = r.earlyStopping.wait;
    bestWeights = r.earlyStopping.bestWeights;
    if (r.carried) {
      carried = { h: backend().upload(r.carried.h.data, r.carried.h.shape), c: r.carried.c ? backend().upload(r.carried.c.data, r.carried.c.shape) : null };
    }
    midEpoch = true;
    if (order.length !== train.length) throw new InvalidArgumentError('resumeFrom', `the checkpoint was taken with ${order.length} training batches; got ${train.length}.`);
  }

  const disposeCarried = () => {
    if (carried) {
      backend().dispose(carried.h);
      if (carried.c) backend().dispose(carried.c);
    }
    carried = null;
  };

  const takeCheckpoint = async (): Promise<Checkpoint> => {
    const read = async (t: Tensor) => {
      const d = await backend().read(t);
      return { shape: [...t.shape], data: d instanceof Float32Array ? d : Float32Array.from(d) };
    };
    const c = carried as DeviceState | null;
    return {
      version: 1,
      config: model.config,
      step,
      weights: await model.stateDict(),
      optimizer: await optimizer.stateDict(),
      rng: model.rng.getState(),
      schedule: schedule ? schedule.getState() : null,
      position: { epoch, index, chunk, order: [...order] },
      epochLoss: { sum: epochSum, weight: epochWeight },
      carried: c ? { h: await read(c.h), c: c.c ? await read(c.c) : null } : null,
      history: [...history],
      earlyStopping: { best, bestEpoch, wait, bestWeights },
    };
  };

  const run = async (cbs: (FitCallbacks[keyof FitCallbacks] | undefined)[], arg: unknown): Promise<boolean> => {
    let stop = false;
    for (const cb of cbs) if (cb && (await (cb as (a: unknown) => CallbackResult)(arg)) === 'stop') stop = true;
    return stop;
  };

  const steps: StepInfo[] = [];
  let stopReason: History['stopReason'] = 'epochs';
  const I = kind === 'lm' ? 1 : model.config.inputSize;
  try {
    outer: for (; epoch < options.epochs; epoch++) {
      if (!midEpoch) {
        order = train.map((_, i) => i);
        if (options.shuffle) model.rng.shuffle(order);
        index = 0;
        chunk = 0;
        epochSum = 0;
        epochWeight = 0;
      }
      midEpoch = false;
      for (; index < order.length; index++) {
        const bi = order[index] as number;
        const batch = train[bi] as Batch;
        const k = options.tbptt ? options.tbptt.chunkLength : batch.T;
        const nChunks = Math.ceil(batch.T / k);
        for (; chunk < nChunks; chunk++) {
          if (options.maxSteps !== undefined && options.maxSteps !== null && step >= options.maxSteps) {
            stopReason = 'max-steps';
            break outer;
          }
          const part = nChunks === 1 ? batch : sliceTime(batch, chunk * k, Math.min(batch.T, (chunk + 1) * k), I);
          const lr = schedule ? schedule.lr : optimizer.lr;
          optimizer.lr = lr;
          const res = await trainStep(model, optimizer, part, {
            loss, clipNorm: options.clipNorm, clipValue: options.clipValue, state: carried,
            keepState: nChunks > 1 && chunk < nChunks - 1, stepNumber: step + 1,
            where: `epoch ${epoch}, batch ${bi}${nChunks > 1 ? `, chunk ${chunk}` : ''}`,
          });
          step += 1;
          disposeCarried();
          carried = res.state;
          const rowsWeight = part.lengths && kind !== 'seq2one' ? Array.from(part.lengths as ArrayLike<number>).reduce((a, b) => a + b, 0) : kind === 'seq2one' ? part.B : part.T * part.B;
          epochSum += res.loss * rowsWeight;
          epochWeight += rowsWeight;
          schedule?.onStep();
          const info: StepInfo = { step, epoch, batch: bi, chunk, loss: res.loss, gradNorm: res.gradNorm, lr };
          steps.push(info);
          // Normalise the position to "next step" before a checkpoint can be taken.
          if (chunk + 1 >= nChunks) {
            chunk = 0;
            index += 1;
          } else {
            chunk += 1;
          }
          let stop = false;
          if (every && step % every === 0) {
            const ckpt = await takeCheckpoint();
            if (options.checkpoint?.path) await saveCheckpoint(options.checkpoint.path, ckpt);
            stop = (await run(callbacks.map((c) => c.onCheckpoint?.bind(c)), ckpt)) || stop;
          }
          stop = (await run(callbacks.map((c) => c.onStepEnd?.bind(c)), info)) || stop;
          if (stop) {
            stopReason = 'callback';
            break outer;
          }
          // Undo the normalisation for the loop's own increments.
          if (chunk === 0) {
            index -= 1;
            chunk = nChunks;
          } else {
            chunk -= 1;
          }
        }
        chunk = 0;
        disposeCarried();
      }
      // ---- end of epoch ----
      const trainLoss = epochWeight > 0 ? epochSum / epochWeight : NaN;
      const valLoss = options.validation && options.validation.length > 0 ? await evaluate(model, options.validation, loss) : null;
      const monitored = valLoss ?? trainLoss;
      schedule?.onEpochEnd(monitored);
      const log: EpochLog = { epoch, loss: trainLoss, valLoss, lr: schedule ? schedule.lr : optimizer.lr };
      history.push(log);
      let stop = false;
      if (options.earlyStopping) {
        const minDelta = options.earlyStopping.minDelta ?? 0;
        if (best === null || monitored < best - minDelta) {
          best = monitored;
          bestEpoch = epoch;
          wait = 0;
          if (options.earlyStopping.restoreBest) bestWeights = await model.stateDict();
        } else {
          wait += 1;
          if (wait >= options.earlyStopping.patience) {
            stopReason = 'early-stopping';
            stop = true;
          }
        }
      }
      if (await run(callbacks.map((c) => c.onEpochEnd?.bind(c)), log)) {
        if (!stop) stopReason = 'callback';
        stop = true;
      }
      if (stop) {
        epoch += 1;
        break;
      }
    }
  } finally {
    disposeCarried();
  }
  if (stopReason === 'early-stopping' && options.earlyStopping?.restoreBest && bestWeights) model.loadStateDict(bestWeights);
  return {
    epochs: history,
    steps,
    step,
    stopReason,
    bestEpoch: bestEpoch >= 0 ? bestEpoch : null,
    bestLoss: best,
    optimizer,
  };
}

