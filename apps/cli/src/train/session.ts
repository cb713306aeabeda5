/**
 * One training session shared by the forecaster and the language model: progress bar, periodic
 * checkpoints, Ctrl-C (SIGINT) saving a checkpoint before exiting, best-weights tracking, and the
 * training log.
 */
import { fit, saveCheckpoint, type Batch, type Checkpoint, type EpochLog, type FitOptions, type History, type Model, type StateDict } from '@recur/core';
import type { Output } from '../output.js';
import { ProgressBar } from '../progress.js';

/** Options of {@link trainSession}. */
export interface SessionOptions {
  readonly out: Output;
  readonly model: Model;
  readonly train: readonly Batch[];
  readonly validation: readonly Batch[] | null;
  readonly epochs: number;
  readonly lr: number;
  readonly clip: number;
  readonly patience: number;
  readonly shuffle: boolean;
  readonly checkpointPath: string;
  readonly checkpointEvery: number;
  readonly resumeFrom: Checkpoint | null;
  /**
   * Validation loss of the persistence baseline in the model's own units (the same loss), when it
   * is known: a best validation loss orders of magnitude above it is reported as divergence.
   */
  readonly baselineValLoss?: number | null;
}

/** Validation loss this many times its best (or non-finite) counts as divergence. */
export const DIVERGENCE_RATIO = 10;
/** A best validation loss this many times the persistence baseline's counts as divergence. */
export const BASELINE_DIVERGENCE_RATIO = 100;

/** What a session returns. */
export interface SessionResult {
  readonly history: History;
  /** Every epoch so far (including epochs before a resume). */
  readonly epochs: readonly EpochLog[];
  /** Ctrl-C stopped the run; a checkpoint was saved. */
  readonly interrupted: boolean;
  /** Loss of every optimizer step of this session. */
  readonly stepLosses: number[];
  readonly seconds: number;
  /** Best validation epoch whose weights the model now holds, or null. */
  readonly bestEpoch: number | null;
  /** Why training is considered diverged (printed as a warning), or null. */
  readonly divergence: string | null;
}

/**
 * Did training diverge? Yes when the last validation loss is non-finite or more than
 * {@link DIVERGENCE_RATIO}× the best one, or when even the best is more than
 * {@link BASELINE_DIVERGENCE_RATIO}× the persistence baseline's.
 */
export function divergence(epochs: readonly EpochLog[], bestEpoch: number | null, lr: number, baselineValLoss: number | null | undefined): string | null {
  const last = epochs[epochs.length - 1];
  const best = bestEpoch === null ? undefined : epochs.find((e) => e.epoch === bestEpoch);
  if (!last || last.valLoss === null || !best || best.valLoss === null) return null;
  const fix = `Lower --lr (it is ${lr}) or set --clip (e.g. --clip 1).`;
  if (!Number.isFinite(last.valLoss) || last.valLoss > DIVERGENCE_RATIO * best.valLoss) {
    return `training diverged: the validation loss rose from ${best.valLoss.toPrecision(4)} (epoch ${best.epoch + 1}) to ${last.valLoss.toPrecision(4)} (epoch ${last.epoch + 1}), more than ${DIVERGENCE_RATIO}× its best. The saved model has the best epoch's weights, not the last. ${fix}`;
  }
  if (baselineValLoss != null && baselineValLoss > 0 && best.valLoss > BASELINE_DIVERGENCE_RATIO * baselineValLoss) {
    return `training diverged: the best validation loss ${best.valLoss.toPrecision(4)} (epoch ${best.epoch + 1}) is ${Math.round(best.valLoss / baselineValLoss)}× the persistence baseline's ${baselineValLoss.toPrecision(4)}; the model is far worse than repeating the last value. ${fix}`;
  }
  return null;
}

/** Train with progress, checkpoints and Ctrl-C handling. */
export async function trainSession(o: SessionOptions): Promise<SessionResult> {
  const stepsPerEpoch = o.train.length;
  const totalSteps = stepsPerEpoch * o.epochs;
  const doneBefore = o.resumeFrom?.step ?? 0;
  const bar = new ProgressBar(o.out, totalSteps, doneBefore);
  let interrupted = false;
  let stopRequested = false;
  const onSigint = (): void => {
    if (stopRequested) {
      // A second Ctrl-C while the checkpoint is being written: give up at once.
      process.exit(130);
    }
    stopRequested = true;
    o.out.rawStatus('\n');
    o.out.status('Stopping after this step and saving a checkpoint… (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  const epochs: EpochLog[] = [...(o.resumeFrom?.history ?? [])];
  let best = o.resumeFrom?.earlyStopping.best ?? null;
  let bestWeights: StateDict | null = o.resumeFrom?.earlyStopping.bestWeights ?? null;
  let bestEpoch: number | null = o.resumeFrom && o.resumeFrom.earlyStopping.bestEpoch >= 0 ? o.resumeFrom.earlyStopping.bestEpoch : null;
  const stepLosses: number[] = [];
  let lastLoss: number | null = null;
  let lastVal: number | null = epochs.length > 0 ? (epochs[epochs.length - 1]!.valLoss ?? null) : null;
  let epochNow = o.resumeFrom?.position.epoch ?? 0;
  const started = performance.now();
  let history: History;
  const options: FitOptions = {
    epochs: o.epochs,
    optimizer: { kind: 'adam', lr: o.lr },
    validation: o.validation,
    shuffle: o.shuffle,
    clipNorm: o.clip > 0 ? o.clip : null,
    // With validation data the best epoch's weights are always tracked (and kept in checkpoints, so
    // a resumed run still knows them): the saved model is the best one, never a diverged last one.
    // Without --patience, "patience" is unbounded: training runs all its epochs.
    earlyStopping: o.validation ? { patience: o.patience > 0 ? o.patience : Number.MAX_SAFE_INTEGER, restoreBest: true } : null,
    // A checkpoint is taken after every step (cheap for these model sizes) but written to disk only
    // every `checkpointEvery` steps, or at once when Ctrl-C was pressed.
    checkpoint: { every: 1 },
    resumeFrom: o.resumeFrom,
    callbacks: {
      onCheckpoint: async (ckpt: Checkpoint) => {
        if (stopRequested) {
          await saveCheckpoint(o.checkpointPath, ckpt);
          interrupted = true;
          return 'stop';
        }
        if (ckpt.step % o.checkpointEvery === 0) await saveCheckpoint(o.checkpointPath, ckpt);
        return undefined;
      },
      onStepEnd: (info) => {
        stepLosses.push(info.loss);
        lastLoss = info.loss;
        epochNow = info.epoch;
        bar.update({ done: info.step, epoch: info.epoch + 1, epochs: o.epochs, loss: lastLoss, valLoss: lastVal });
      },
      onEpochEnd: async (log) => {
        epochs.push(log);
        lastVal = log.valLoss;
        if (log.valLoss !== null && Number.isFinite(log.valLoss) && (best === null || log.valLoss < best)) {
          best = log.valLoss;
          bestEpoch = log.epoch;
          bestWeights = await o.model.stateDict();
        }
        bar.update({ done: (log.epoch + 1) * stepsPerEpoch, epoch: log.epoch + 1, epochs: o.epochs, loss: log.loss, valLoss: log.valLoss }, true);
      },
    },
  };
  try {
    history = await fit(o.model, o.train, options);
  } finally {
    bar.end();
    process.off('SIGINT', onSigint);
  }
  // Keep the best validation weights also when training ran all its epochs.
  if (!interrupted && bestWeights && history.stopReason !== 'early-stopping') o.model.loadStateDict(bestWeights);
  void epochNow;
  const diverged = interrupted ? null : divergence(epochs, bestEpoch, o.lr, o.baselineValLoss);
  if (diverged !== null) o.out.warn(diverged);
  return {
    divergence: diverged,
    history,
    epochs,
    interrupted,
    stepLosses,
    seconds: (performance.now() - started) / 1000,
    bestEpoch: interrupted ? null : bestEpoch,
  };
}
