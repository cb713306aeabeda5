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
}

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
    earlyStopping: o.patience > 0 && o.validation ? { patience: o.patience, restoreBest: true } : null,
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
        if (log.valLoss !== null && o.patience > 0 && (best === null || log.valLoss < best)) {
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
  return {
    history,
    epochs,
    interrupted,
    stepLosses,
    seconds: (performance.now() - started) / 1000,
    bestEpoch: interrupted ? null : bestEpoch,
  };
}
