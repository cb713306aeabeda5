/**
 * The long-range experiment: a tanh RNN, an LSTM and a GRU trained on the adding problem at
 * T = 100 and on the long-gap recall task at several gaps, each scored held-out beside the task's
 * chance level. Every number is reproducible from the seed on the CPU backend.
 */
import type { Backend, CellKind } from '@recur/backend';
import {
  ADDING_CHANCE_MSE,
  addingProblem,
  contextAblation,
  gateTraces,
  gradientByLag,
  recallTask,
  toTimeMajor,
  trainOnTask,
  type ContextAblation,
  type GateTrace,
  type TaskTrainingResult,
} from '@recur/eval';

/** Options of {@link runLongRange}. Defaults are the full experiment. */
export interface LongRangeOptions {
  readonly backend: Backend;
  readonly cells?: readonly CellKind[];
  /** Adding-problem length T (default 100). */
  readonly addingSteps?: number;
  /** Maximum optimizer steps on the adding problem (default 3000). */
  readonly addingIterations?: number;
  /** Recall gaps (default 5, 20, 50, 100). */
  readonly recallGaps?: readonly number[];
  /** Maximum optimizer steps per recall run (default 1000). */
  readonly recallIterations?: number;
  readonly hiddenSize?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** LSTM forget-gate bias at initialisation (default 3, so σ(3) ≈ 0.95 keeps a cue over tens of steps at the start of training, in the spirit of chrono initialisation; null for PyTorch's default 0). */
  readonly forgetBias?: number | null;
  /** Called after each trained model. */
  readonly onRun?: (row: LongRangeRow) => void;
}

/** Probes of one model trained on the adding problem, on held-out sequences. */
export interface AddingProbes {
  readonly cell: CellKind;
  /** ‖∂ℓ/∂x_{T−1−k}‖ averaged over 32 held-out sequences, k = 0…T−1. */
  readonly gradientByLag: number[];
  /** MSE when only the last k steps are visible (earlier steps set to the training mean). */
  readonly ablation: ContextAblation;
  /** Gates on the first held-out sequence (LSTM and GRU only). */
  readonly gates: GateTrace | null;
}

/** What {@link runLongRange} returns. */
export interface LongRangeResult {
  readonly rows: LongRangeRow[];
  readonly addingProbes: AddingProbes[];
}

/** One trained model's outcome. */
export interface LongRangeRow {
  readonly task: 'adding' | 'recall';
  readonly cell: CellKind;
  /** Adding: T; recall: the gap between cue and query. */
  readonly gap: number;
  readonly metric: 'mse' | 'accuracy';
  readonly score: number;
  readonly chance: number;
  readonly iterations: number;
  readonly wallMs: number;
}

function row(task: 'adding' | 'recall', gap: number, r: TaskTrainingResult): LongRangeRow {
  return { task, cell: r.cell, gap, metric: r.metric, score: r.score, chance: r.chance, iterations: r.iterations, wallMs: r.wallMs };
}

/**
 * Train every cell on the adding problem (stopping early once the training MSE averages below
 * 0.01, far under the 0.167 chance level) and on the recall task at each gap (stopping once the
 * cross-entropy averages below 0.05). Returns one row per (task, cell, gap).
 */
export async function runLongRange(options: LongRangeOptions): Promise<LongRangeResult> {
  const cells = options.cells ?? (['rnn-tanh', 'lstm', 'gru'] as const);
  const T = options.addingSteps ?? 100;
  const common = {
    backend: options.backend,
    hiddenSize: options.hiddenSize ?? 16,
    batchSize: options.batchSize ?? 32,
    lr: options.lr ?? 0.01,
    seed: options.seed ?? 1,
    forgetBias: options.forgetBias === undefined ? 3 : options.forgetBias,
  };
  const addingProbes: AddingProbes[] = [];
  const rows: LongRangeRow[] = [];
  const push = (r: LongRangeRow): void => {
    rows.push(r);
    options.onRun?.(r);
  };
  for (const cell of cells) {
    const r = await trainOnTask({
      ...common,
      cell,
      iterations: options.addingIterations ?? 3000,
      task: (seed, n) => addingProblem({ n, steps: T, seed }),
      stopAt: { loss: 0.01 },
    });
    push(row('adding', T, r));
    addingProbes.push(await probeAdding(r, T));
    r.model.dispose();
  }
  for (const gap of options.recallGaps ?? [5, 20, 50, 100]) {
    for (const cell of cells) {
      const r = await trainOnTask({
        ...common,
        cell,
        iterations: options.recallIterations ?? 1000,
        task: (seed, n) => recallTask({ n, gap, seed, cues: 4, distractors: 4 }),
        stopAt: { loss: 0.05 },
      });
      push(row('recall', gap, r));
      r.model.dispose();
    }
  }
  return { rows, addingProbes };
}

/** Gradient by lag, context ablation and gate traces of a model trained on the adding problem. */
async function probeAdding(r: TaskTrainingResult, T: number): Promise<AddingProbes> {
  const held = addingProblem({ n: 32, steps: T, seed: 424242 });
  const inputs = toTimeMajor(held.inputs, held.n, T, 2);
  const grad = await gradientByLag(r.model, { inputs, T, B: held.n }, { loss: 'mse', targets: held.targets });
  const ks = [...new Set([1, 2, 5, 10, 25, 50, 75, T].filter((k) => k <= T))];
  // The training mean of each channel: values U(0,1) → 0.5; markers 2/T.
  const ablation = await contextAblation(r.model, { inputs, T, B: held.n, targets: held.targets, ks, fill: [0.5, 2 / T] });
  const gates = r.cell === 'lstm' || r.cell === 'gru' ? await gateTraces(r.model, held.inputs.subarray(0, T * 2), T) : null;
  return { cell: r.cell, gradientByLag: Array.from(grad.norms), ablation, gates };
}

/**
 * `solved`: MSE ≤ 0.1 × chance, or accuracy ≥ 0.95. `near chance`: MSE ≥ 0.8 × chance, or accuracy
 * within 10% of the way from chance to 1. `partial` otherwise.
 */
export function verdict(r: LongRangeRow): 'solved' | 'partial' | 'near chance' {
  if (r.metric === 'mse') return r.score <= 0.1 * r.chance ? 'solved' : r.score >= 0.8 * r.chance ? 'near chance' : 'partial';
  return r.score >= 0.95 ? 'solved' : r.score <= r.chance + 0.1 * (1 - r.chance) ? 'near chance' : 'partial';
}

/** The rows as an aligned text table, with the chance level beside every score. */
export function formatTable(rows: readonly LongRangeRow[]): string {
  const header = ['task', 'gap/T', 'cell', 'metric', 'score', 'chance', 'verdict', 'iterations', 'wall s'];
  const lines = rows.map((r) => [r.task, String(r.gap), r.cell, r.metric, r.score.toFixed(4), r.chance.toFixed(4), verdict(r), String(r.iterations), (r.wallMs / 1000).toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

export { ADDING_CHANCE_MSE };
