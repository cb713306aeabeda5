/**
 * Training recur models on the synthetic memory tasks, and sweeping the gap length.
 *
 * Training is online, as in the literature: every iteration draws a fresh seeded batch, so the
 * model cannot memorise a fixed set. The score is measured on a held-out batch drawn from a
 * different seed stream: MSE for regression tasks (adding), accuracy for classification tasks
 * (recall: the last-step class; copy: the masked recall steps). Each result carries the task's
 * chance level beside it.
 */
import { InvalidArgumentError, type Backend, type CellKind } from '@recur/backend';
import { createModel, Optimizer, trainStep, type Model } from '@recur/core';
import { argmax } from '../metrics/classification.js';
import { mse } from '../metrics/regression.js';
import { checkInt } from '../metrics/check.js';
import { toTimeMajor, type TaskBatch } from '../tasks/types.js';

/** Makes a task batch of n examples from a seed (e.g. `(seed, n) => addingProblem({ n, steps: 100, seed })`). */
export type TaskGenerator = (seed: number, n: number) => TaskBatch;

/** Options of {@link trainOnTask}. */
export interface TaskTrainingOptions {
  readonly cell: CellKind;
  readonly backend: Backend;
  readonly task: TaskGenerator;
  readonly hiddenSize: number;
  /** Optimizer steps (fresh batch each). */
  readonly iterations: number;
  /** Examples per step (default 32). */
  readonly batchSize?: number;
  /** Adam learning rate (default 0.01). */
  readonly lr?: number;
  /** Global gradient-norm clip (default 1). */
  readonly clipNorm?: number;
  /**
   * LSTM only: initial forget-gate bias (core's `init.forgetBias`; null keeps PyTorch's default).
   * 1 (Gers et al. 2000; Jozefowicz et al. 2015) lets an untrained LSTM keep a cue for tens of steps.
   */
  readonly forgetBias?: number | null;
  /**
   * GRU only: initial update-gate bias (core's `init.updateBias`; null keeps PyTorch's default).
   * z is the GRU's keep gate (h' = (1−z)⊙n + z⊙h), so a positive bias plays the LSTM forget bias's part.
   */
  readonly updateBias?: number | null;
  /** LSTM only: initial input-gate bias (core's `init.inputBias`; with forgetBias b, −b is chrono-style). */
  readonly inputBias?: number | null;
  /** Seed of the model and the data streams (default 0). */
  readonly seed?: number;
  /** Held-out examples scored at the end (default 512). */
  readonly evalSize?: number;
  /**
   * Stop early once the mean training loss of the last `window` steps is below `loss`
   * (e.g. well under chance); the iterations used are reported.
   */
  readonly stopAt?: { readonly loss: number; readonly window?: number } | null;
  /** Called after every step. */
  readonly onStep?: (info: { iteration: number; loss: number }) => void;
}

/** What {@link trainOnTask} returns. */
export interface TaskTrainingResult {
  readonly cell: CellKind;
  readonly task: string;
  readonly steps: number;
  /** MSE (regression) or accuracy (classification) on the held-out batch. */
  readonly score: number;
  readonly metric: 'mse' | 'accuracy';
  readonly chance: number;
  /** Optimizer steps run. */
  readonly iterations: number;
  readonly wallMs: number;
  /** Training loss of every step. */
  readonly losses: number[];
  /** The trained model (dispose it when done). */
  readonly model: Model;
}

function toBatch(task: TaskBatch): { inputs: Float32Array; T: number; B: number; targets: Float32Array } {
  const { n, steps, features } = task;
  let targets = task.targets;
  if (task.task === 'copy') targets = toTimeMajor(task.targets, n, steps, 1); // [N, T] → [T, N]
  return { inputs: toTimeMajor(task.inputs, n, steps, features), T: steps, B: n, targets };
}

/** Score a model on a task batch: MSE (regression) or accuracy (classification; copy: masked steps only). */
export async function scoreOnTask(model: Model, task: TaskBatch): Promise<number> {
  const batch = toBatch(task);
  const out = (await model.predict(batch)).output;
  if (task.kind === 'regression') return mse(out, task.targets);
  const C = task.classes as number;
  const predicted = argmax(out, C); // seq2one: [N]; seq2seq: [T, N] time-major
  let hits = 0;
  let count = 0;
  for (let b = 0; b < task.n; b++) {
    if (task.mask) {
      for (let t = 0; t < task.steps; t++) {
        if (task.mask[b * task.steps + t] !== 1) continue;
        count++;
        if (predicted[t * task.n + b] === task.targets[b * task.steps + t]) hits++;
      }
    } else {
      count++;
      if (predicted[b] === task.targets[b]) hits++;
    }
  }
  return hits / count;
}

/** Train one cell kind on a synthetic task and score it on held-out data. */
export async function trainOnTask(options: TaskTrainingOptions): Promise<TaskTrainingResult> {
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  checkInt('trainOnTask: iterations', options.iterations, 1);
  checkInt('trainOnTask: batchSize', batchSize, 1);
  checkInt('trainOnTask: hiddenSize', options.hiddenSize, 1);
  if (typeof options.task !== 'function') throw new InvalidArgumentError('trainOnTask: task', 'must be a generator (seed, n) => TaskBatch.');
  const probe = options.task(seed, 1);
  const classification = probe.kind === 'classification';
  const perStep = probe.task === 'copy';
  const model = createModel(
    {
      kind: perStep ? 'seq2seq' : 'seq2one',
      cell: options.cell,
      inputSize: probe.features,
      hiddenSize: options.hiddenSize,
      outputSize: classification ? (probe.classes as number) : 1,
      ...(options.cell === 'lstm' && (options.forgetBias != null || options.inputBias != null)
        ? { init: { forgetBias: options.forgetBias ?? null, inputBias: options.inputBias ?? null } }
        : {}),
      ...(options.cell === 'gru' && options.updateBias != null ? { init: { updateBias: options.updateBias } } : {}),
    },
    { backend: options.backend, seed },
  );
  const optimizer = new Optimizer(model, { kind: 'adam', lr: options.lr ?? 0.01 });
  const loss = classification ? 'cross-entropy' : 'mse';
  const losses: number[] = [];
  const window = options.stopAt?.window ?? 50;
  const started = performance.now();
  let iterations = 0;
  // Training batches use seeds seed·1e6 + i; the held-out batch uses a seed outside that stream.
  for (let i = 1; i <= options.iterations; i++) {
    const batch = toBatch(options.task(seed * 1_000_003 + i, batchSize));
    const r = await trainStep(model, optimizer, batch, { loss, clipNorm: options.clipNorm ?? 1 });
    losses.push(r.loss);
    iterations = i;
    options.onStep?.({ iteration: i, loss: r.loss });
    if (options.stopAt && i >= window) {
      let s = 0;
      for (let j = losses.length - window; j < losses.length; j++) s += losses[j] as number;
      if (s / window < options.stopAt.loss) break;
    }
  }
  const wallMs = performance.now() - started;
  optimizer.dispose();
  const held = options.task(-1 - seed, options.evalSize ?? 512);
  const score = await scoreOnTask(model, held);
  return {
    cell: options.cell, task: probe.task, steps: held.steps, score, metric: classification ? 'accuracy' : 'mse',
    chance: probe.chance, iterations, wallMs, losses, model,
  };
}

/** One row of a gap sweep. */
export interface SweepResult {
  readonly cell: CellKind;
  readonly gap: number;
  readonly score: number;
  readonly metric: 'mse' | 'accuracy';
  readonly chance: number;
  readonly iterations: number;
  readonly wallMs: number;
}

/** Options of {@link taskSweep}: {@link TaskTrainingOptions} without `cell`/`task`, plus the grid. */
export interface TaskSweepOptions extends Omit<TaskTrainingOptions, 'cell' | 'task'> {
  readonly cells: readonly CellKind[];
  readonly gaps: readonly number[];
  /** Task at a given gap, e.g. `(gap) => (seed, n) => recallTask({ n, gap, seed })`. */
  readonly taskAt: (gap: number) => TaskGenerator;
  /** Called after each (cell, gap) run. */
  readonly onResult?: (row: SweepResult) => void;
}

/** Score vs gap for each cell kind: train a fresh model per (cell, gap) and score it held-out. */
export async function taskSweep(options: TaskSweepOptions): Promise<SweepResult[]> {
  const rows: SweepResult[] = [];
  for (const gap of options.gaps) {
    for (const cell of options.cells) {
      const r = await trainOnTask({ ...options, cell, task: options.taskAt(gap) });
      r.model.dispose();
      const row: SweepResult = { cell, gap, score: r.score, metric: r.metric, chance: r.chance, iterations: r.iterations, wallMs: r.wallMs };
      rows.push(row);
      options.onResult?.(row);
    }
  }
  return rows;
}
