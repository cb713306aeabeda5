/**
 * Does the model use long-range context? The recall task of @recur/eval: a cue at t = 0, `gap`
 * random distractors, then a query; the model must name the cue. Each cell kind is trained live
 * (online, a fresh batch per Adam step) at each gap and scored on held-out sequences; chance is 1/C.
 */
import type { Backend, CellKind } from '@recur/backend';
import { recallTask, taskSweepChart, trainOnTask, type SweepRow } from '@recur/eval';
import type { DemoContext, DemoOutput } from './types.js';

/** Sizes of the recall demo. */
export interface RecallParams {
  readonly gaps: readonly number[];
  readonly hidden: number;
  readonly iterations: number;
  readonly batch: number;
  readonly evalSize: number;
  readonly seed: number;
}

/** Default sizes, and the tiny ones used by the browser tests. */
export function recallParams(test: boolean): RecallParams {
  return test
    ? { gaps: [1, 4], hidden: 4, iterations: 3, batch: 8, evalSize: 32, seed: 5 }
    : { gaps: [2, 8, 16, 32, 64], hidden: 16, iterations: 500, batch: 32, evalSize: 256, seed: 5 };
}

const CELLS: readonly { cell: CellKind; label: string }[] = [
  { cell: 'rnn-tanh', label: 'RNN (tanh)' },
  { cell: 'lstm', label: 'LSTM' },
  { cell: 'gru', label: 'GRU' },
];

/** Train every (cell, gap) pair and chart held-out accuracy against the gap. */
export async function runRecall(backend: Backend, ctx: DemoContext, params: RecallParams = recallParams(ctx.test)): Promise<DemoOutput> {
  const rows: SweepRow[] = [];
  const cues = 4;
  const chance = 1 / cues;
  const total = CELLS.length * params.gaps.length;
  let done = 0;
  const chart = () => taskSweepChart(rows, { chance, metric: 'held-out accuracy', title: 'recall accuracy against the gap', width: 470, height: 260 });
  for (const gap of params.gaps) {
    for (const { cell, label } of CELLS) {
      ctx.onProgress(`training ${label} at gap ${gap} (${done + 1}/${total})…`, rows.length > 0 ? { charts: [{ key: 'sweep', spec: chart() }], summary: [] } : undefined);
      const r = await trainOnTask({
        cell,
        backend,
        task: (seed, n) => recallTask({ n, gap, cues, seed }),
        hiddenSize: params.hidden,
        iterations: params.iterations,
        batchSize: params.batch,
        lr: 0.01,
        forgetBias: 1,
        seed: params.seed,
        evalSize: params.evalSize,
        stopAt: { loss: 0.02, window: 20 },
      });
      r.model.dispose();
      rows.push({ gap, value: r.score, cell: label });
      done++;
    }
  }
  const longest = (label: string) => {
    const ok = rows.filter((r) => r.cell === label && r.value >= 0.9).map((r) => r.gap);
    return ok.length > 0 ? `${Math.max(...ok)} steps` : 'none of the gaps tried';
  };
  return {
    charts: [{ key: 'sweep', spec: chart() }],
    summary: [
      `Chance is ${(chance * 100).toFixed(0)} % (${cues} cues). ${params.iterations} Adam steps at most per run, hidden size ${params.hidden}.`,
      ...CELLS.map(({ label }) => `${label}: ≥ 90 % accuracy up to a gap of ${longest(label)}.`),
    ],
  };
}
