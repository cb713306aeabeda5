/**
 * What does a gate decide? A small LSTM is trained live on the adding problem (sum the two
 * values whose marker is 1), then reads one fresh sequence; its forget (f), input (i) and output
 * (o) gates are drawn as heatmaps under the input:
 *
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)   f = σ(W_if x + b_if + W_hf h + b_hf)
 *   o = σ(W_io x + b_io + W_ho h + b_ho)   c' = f⊙c + i⊙g,  h' = o⊙tanh(c')
 *
 * Gate values come from @recur/eval's gateTraces (float64 recomputation verified against the model).
 */
import type { Backend } from '@recur/backend';
import { ADDING_CHANCE_MSE, addingProblem, gateHeatmapChart, gateHeatmapInput, gateTraces, trainOnTask } from '@recur/eval';
import type { DemoContext, DemoOutput } from './types.js';
import { lossCurveSpec } from './charts.js';

/** The parts of gateHeatmapChart's spec this demo adjusts. */
interface GateSpec {
  resolve: object;
  spec: { encoding: { color: object; y: object } };
}

/** Sizes of the gate demo. */
export interface GateParams {
  readonly steps: number;
  readonly hidden: number;
  readonly iterations: number;
  readonly batch: number;
  readonly seed: number;
}

/** Default sizes, and the tiny ones used by the browser tests. */
export function gateParams(test: boolean): GateParams {
  return test ? { steps: 10, hidden: 4, iterations: 4, batch: 8, seed: 3 } : { steps: 24, hidden: 12, iterations: 1000, batch: 32, seed: 3 };
}

/** Train, then trace the gates on one held-out sequence. */
export async function runGates(backend: Backend, ctx: DemoContext, params: GateParams = gateParams(ctx.test)): Promise<DemoOutput> {
  const { steps: T, hidden, iterations, batch, seed } = params;
  const losses: { step: number; loss: number }[] = [];
  const every = Math.max(1, Math.floor(iterations / 20));
  const trained = await trainOnTask({
    cell: 'lstm',
    backend,
    task: (s, n) => addingProblem({ n, steps: T, seed: s }),
    hiddenSize: hidden,
    iterations,
    batchSize: batch,
    lr: 0.01,
    forgetBias: 1,
    seed,
    evalSize: 128,
    onStep: ({ iteration, loss }) => {
      losses.push({ step: iteration, loss });
      if (iteration % every === 0 || iteration === iterations) {
        ctx.onProgress(`training step ${iteration}/${iterations}, loss ${loss.toFixed(4)}`, {
          charts: [{ key: 'loss', spec: lossCurveSpec(losses, { x: 'step', title: 'training loss (MSE)', chance: ADDING_CHANCE_MSE }) }],
          summary: [],
        });
      }
    },
  });
  const model = trained.model;
  try {
    const example = addingProblem({ n: 1, steps: T, seed: 9_999 });
    // One sequence, batch-major [1, T, I] = row-major [T, I].
    const trace = await gateTraces(model, example.inputs, T);
    const input: { t: number; value: number; marked: string }[] = [];
    const marked: number[] = [];
    for (let t = 0; t < T; t++) {
      const m = example.inputs[t * 2 + 1] as number;
      if (m === 1) marked.push(t);
      input.push({ t, value: example.inputs[t * 2] as number, marked: m === 1 ? 'marked' : 'unmarked' });
    }
    const cell = Math.max(2, Math.min(14, Math.floor(360 / T)));
    const prediction = (await model.predict({ inputs: example.inputs, T, B: 1 })).output[0] as number;
    const inputSpec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'input: the value at each step; the two marked steps (red) are to be added',
      width: cell * T,
      height: 70,
      data: { values: input },
      mark: 'bar',
      encoding: {
        x: { field: 't', type: 'ordinal', title: 'step t', axis: { labelOverlap: true } },
        y: { field: 'value', type: 'quantitative', title: 'value', scale: { domain: [0, 1] }, axis: { minExtent: 40, maxExtent: 40 } },
        color: { field: 'marked', type: 'nominal', legend: null, scale: { domain: ['marked', 'unmarked'], range: ['#e4572e', '#b8c4d6'] } },
        tooltip: [{ field: 't' }, { field: 'value', format: '.3f' }, { field: 'marked' }],
      },
    };
    const picked = gateHeatmapInput(trace, ['f', 'i', 'o']);
    const named = { steps: picked.steps, hidden: picked.hidden, gates: { 'forget gate f': picked.gates.f!, 'input gate i': picked.gates.i!, 'output gate o': picked.gates.o! } };
    const heat = gateHeatmapChart(named, { columns: 1, title: 'LSTM gates under the input (hover a cell for its value)', width: cell * T, height: Math.max(60, 7 * hidden) }) as unknown as GateSpec;
    // All three are sigmoids: one colour scale over [0, 1] and one legend make them comparable.
    heat.resolve = { scale: { x: 'independent', y: 'independent', color: 'shared' } };
    heat.spec.encoding.y = { ...heat.spec.encoding.y, axis: { ...((heat.spec.encoding.y as { axis?: object }).axis ?? {}), minExtent: 40, maxExtent: 40 } };
    heat.spec.encoding.color = { ...heat.spec.encoding.color, title: 'gate value', scale: { scheme: 'viridis', domain: [0, 1] } };
    return {
      charts: [
        { key: 'loss', spec: lossCurveSpec(losses, { x: 'step', title: 'training loss (MSE)', chance: ADDING_CHANCE_MSE }) },
        { key: 'input', spec: inputSpec },
        { key: 'gates', spec: heat },
      ],
      summary: [
        ...writesOnCue(trace.gates.i!, T, hidden, marked),
        `Held-out MSE after ${trained.iterations} steps: ${trained.score.toFixed(4)} (always answering 1 scores ${ADDING_CHANCE_MSE.toFixed(3)}).`,
        `This sequence's marked steps are t = ${marked.join(' and ')}; target ${example.targets[0]!.toFixed(3)}, model ${prediction.toFixed(3)}.`,
        `Gate values reproduce the model's output to within ${trace.maxDeviation.toExponential(1)}.`,
      ],
    };
  } finally {
    model.dispose();
  }
}

/**
 * The unit whose input gate separates marked from unmarked steps best: mean i at the marked steps
 * minus mean i elsewhere (row-major [T, H] trace).
 */
export function writesOnCue(input: ArrayLike<number>, T: number, H: number, marked: readonly number[]): string[] {
  if (marked.length === 0 || marked.length === T) return [];
  let best = -1;
  let bestGap = -Infinity;
  let bestOn = 0;
  let bestOff = 0;
  for (let u = 0; u < H; u++) {
    let on = 0;
    let off = 0;
    for (let t = 0; t < T; t++) {
      const v = input[t * H + u] as number;
      if (marked.includes(t)) on += v;
      else off += v;
    }
    on /= marked.length;
    off /= T - marked.length;
    if (on - off > bestGap) {
      bestGap = on - off;
      best = u;
      bestOn = on;
      bestOff = off;
    }
  }
  if (bestGap < 0.2) return ['No unit\'s input gate singles out the marked steps yet: train longer.'];
  return [`Unit ${best}'s input gate is ${bestOn.toFixed(2)} at the marked steps and ${bestOff.toFixed(2)} elsewhere on average: it writes on cue.`];
}
