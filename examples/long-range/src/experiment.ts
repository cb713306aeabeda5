/**
 * The long-range experiment: a tanh RNN, an LSTM and a GRU trained on the adding problem at
 * T = 100 and on the long-gap recall task at several gaps, each scored held-out beside the task's
 * chance level. Every number is reproducible from the seed on the CPU backend.
 */
import type { Backend, CellKind } from '@recur/backend';
import { ADDING_CHANCE_MSE, addingProblem, recallTask, trainOnTask, type TaskTrainingResult } from '@recur/eval';

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
  /** Called after each trained model. */
  readonly onRun?: (row: LongRangeRow) => void;
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
  r.model.dispose();
  return { task, cell: r.cell, gap, metric: r.metric, score: r.score, chance: r.chance, iterations: r.iterations, wallMs: r.wallMs };
}

/**
 * Train every cell on the adding problem (stopping early once the training MSE averages below
 * 0.01, far under the 0.167 chance level) and on the recall task at each gap (stopping once the
 * cross-entropy averages below 0.05). Returns one row per (task, cell, gap).
 */
export async function runLongRange(options: LongRangeOptions): Promise<LongRangeRow[]> {
  const cells = options.cells ?? (['rnn-tanh', 'lstm', 'gru'] as const);
  const T = options.addingSteps ?? 100;
  const common = {
    backend: options.backend,
    hiddenSize: options.hiddenSize ?? 16,
    batchSize: options.batchSize ?? 32,
    lr: options.lr ?? 0.01,
    seed: options.seed ?? 1,
  };
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
    }
  }
  return rows;
}

/** The rows as an aligned text table, with the chance level beside every score. */
export function formatTable(rows: readonly LongRangeRow[]): string {
  const header = ['task', 'gap/T', 'cell', 'metric', 'score', 'chance', 'verdict', 'iterations', 'wall s'];
  const lines = rows.map((r) => {
    const better = r.metric === 'mse' ? r.score < 0.5 * r.chance : r.score > r.chance + 0.5 * (1 - r.chance);
    return [r.task, String(r.gap), r.cell, r.metric, r.score.toFixed(4), r.chance.toFixed(4), better ? 'solved' : 'near chance', String(r.iterations), (r.wallMs / 1000).toFixed(1)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

export { ADDING_CHANCE_MSE };
