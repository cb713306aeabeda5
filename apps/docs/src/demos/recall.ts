/**
 * Does the model use long-range context? The word-level long-gap task of @recur/eval:
 * "The author … <Moby-Dick filler> … finally finished her ___" → book. Each cell kind is trained
 * live at each gap (online, a fresh batch of sentences per Adam step, early stop) and scored on
 * held-out sentences whose fillers never occur in training; chance is 1/8.
 *
 * What makes the gated cells learn a 64-word gap in a few hundred steps: the LSTM starts with
 * forget-gate bias +5 and input-gate bias −5 (chrono-style: keep the cell, write little), the GRU
 * with update-gate bias +3 (z ≈ 0.95 keeps the state). The tanh RNN gets the same budget.
 */
import type { Backend, CellKind } from '@recur/backend';
import { buildWordGapCorpus, taskSweepChart, trainOnTask, wordGapGenerator, wordGapSentence, WORD_GAP_PAIRS, type SweepRow } from '@recur/eval';
import type { DemoContext, DemoOutput } from './types.js';

/** The filler text the page fetches (`/data/moby-dick-words.json`, written by scripts/generate.mjs). */
export interface WordsJson {
  readonly name: string;
  readonly words: number;
  readonly text: string;
}

/** Settings of the recall demo. */
export interface RecallParams {
  /** Gaps in words (words after the subject, up to the blank). */
  readonly gaps: readonly number[];
  readonly hidden: number;
  /** Most Adam steps per run. */
  readonly iterations: number;
  readonly batch: number;
  readonly evalSize: number;
  readonly seed: number;
  /** Most frequent words kept as the filler vocabulary (the rest are `<unk>`). */
  readonly fillerVocabulary: number;
  readonly lr: number;
  readonly forgetBias: number;
  readonly inputBias: number;
  readonly updateBias: number;
  /** Early stop: mean training loss over `stopWindow` steps below this. */
  readonly stopLoss: number;
  readonly stopWindow: number;
}

/** Default settings (what the page runs), and the tiny ones of the all-backends browser smoke test. */
export function recallParams(test: boolean): RecallParams {
  const common = { batch: 32, seed: 2, fillerVocabulary: 512, lr: 0.01, forgetBias: 5, inputBias: -5, updateBias: 3, stopLoss: 0.05, stopWindow: 20 };
  return test
    ? { ...common, gaps: [8, 12], hidden: 4, iterations: 3, batch: 8, evalSize: 32 }
    : { ...common, gaps: [8, 16, 32, 64], hidden: 16, iterations: 300, evalSize: 256 };
}

/** +5, −5 (a real minus sign). */
const signed = (v: number): string => (v < 0 ? `−${-v}` : `+${v}`);

/** The settings as one sentence, for the page. */
export function describeSettings(p: RecallParams): string {
  return (
    `Settings: hidden size ${p.hidden}, Adam lr ${p.lr}, ${p.batch} sentences per step, at most ${p.iterations} steps per run ` +
    `(early stop once the loss averages below ${p.stopLoss} over ${p.stopWindow} steps), LSTM forget-gate bias ${signed(p.forgetBias)} and input-gate bias ${signed(p.inputBias)}, ` +
    `GRU update-gate bias ${signed(p.updateBias)}, a one-hot vocabulary of the ${p.fillerVocabulary} most frequent words, seed ${p.seed}.`
  );
}

const CELLS: readonly { cell: CellKind; label: string }[] = [
  { cell: 'rnn-tanh', label: 'RNN (tanh)' },
  { cell: 'lstm', label: 'LSTM' },
  { cell: 'gru', label: 'GRU' },
];

/** One finished run. */
export interface RecallRow {
  readonly gap: number;
  readonly cell: CellKind;
  readonly label: string;
  readonly accuracy: number;
  readonly steps: number;
  readonly seconds: number;
}

const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;
/** Chance as a percentage with its decimal when it has one (1/8 → 12.5 %). */
const chancePct = (v: number): string => `${Number((v * 100).toFixed(1))} %`;

/**
 * The lesson in one sentence, from the rows so far: where the tanh RNN fell to chance and how far
 * the gated cells still recalled the subject (or, when the run says otherwise, what it does say).
 */
export function recallLesson(rows: readonly RecallRow[], chance: number): string {
  if (rows.length === 0) return 'No run has finished yet.';
  const near = (v: number) => v <= chance + 0.1 * (1 - chance);
  const of = (cell: CellKind) => rows.filter((r) => r.cell === cell).sort((a, b) => a.gap - b.gap);
  const reach = (cell: CellKind) => of(cell).filter((r) => r.accuracy >= 0.9).at(-1) ?? null;
  const rnnFail = of('rnn-tanh').find((r) => near(r.accuracy)) ?? null;
  const lstm = reach('lstm');
  const gru = reach('gru');
  const longest = Math.max(...rows.map((r) => r.gap));
  const gated = [lstm && { name: 'the LSTM', r: lstm }, gru && { name: 'the GRU', r: gru }].filter((g) => g && g.r.gap >= (rnnFail?.gap ?? Infinity)) as { name: string; r: RecallRow }[];
  if (rnnFail && gated.length > 0) {
    const sameGap = gated.every((g) => g.r.gap === gated[0]!.r.gap);
    const who = sameGap
      ? `${gated.map((g) => `${g.name} (${pct(g.r.accuracy)})`).join(' and ')} still named the object at a ${gated[0]!.r.gap}-word gap`
      : `${gated.map((g) => `${g.name} (${pct(g.r.accuracy)} at ${g.r.gap} words)`).join(' and ')} still named the object`;
    const cells = gated.length === 2 ? 'their gates carry' : `${gated[0]!.name}'s gates carry`;
    return `The tanh RNN was down to ${pct(rnnFail.accuracy)} (chance ${chancePct(chance)}) by a ${rnnFail.gap}-word gap, while ${who}: ${cells} the subject across the sentence, the plain RNN's state forgets it.`;
  }
  const parts = CELLS.map(({ cell, label }) => {
    const r = reach(cell);
    return `${label} ${r ? `${r.gap} words` : 'none'}`;
  });
  return `Longest gap recalled with ≥ 90 % accuracy (chance ${chancePct(chance)}), of the gaps run so far (up to ${longest} words): ${parts.join(', ')}.`;
}

/** Train every (gap, cell) pair and chart held-out accuracy against the gap, run by run. */
export async function runRecall(backend: Backend, words: WordsJson, ctx: DemoContext, params: RecallParams = recallParams(ctx.test)): Promise<DemoOutput> {
  if (!words || typeof words.text !== 'string') throw new Error('the recall demo needs its filler text (/data/moby-dick-words.json)');
  const corpus = buildWordGapCorpus(words.text, { fillerVocabulary: params.fillerVocabulary });
  const chance = 1 / corpus.pairs.length;
  const rows: RecallRow[] = [];
  const total = CELLS.length * params.gaps.length;
  const longest = Math.max(...params.gaps);
  const example = wordGapGenerator(corpus, longest)(-1 - params.seed, 1);
  const answer = WORD_GAP_PAIRS.find((p) => p.subject === corpus.vocabulary[example.tokens[1] as number])?.object ?? '?';
  const output = (): DemoOutput => ({
    charts:
      rows.length > 0
        ? [{
            key: 'sweep',
            spec: taskSweepChart(rows.map((r): SweepRow => ({ gap: r.gap, value: r.accuracy, cell: r.label })), {
              chance, metric: 'held-out accuracy', title: 'naming the object after a gap of Moby-Dick words', width: 470, height: 260,
              xTitle: 'gap (words between the subject and the blank)', yDomain: [0, 1], xDomain: [0, longest],
            }),
          }]
        : [],
    lesson: recallLesson(rows, chance),
    summary: [
      `A held-out sentence at a ${longest}-word gap: “${wordGapSentence(example, 0)}” → ${answer}.`,
      `Chance is ${chancePct(chance)} (${corpus.pairs.length} subjects, one object each); fillers are runs of real words from Moby-Dick, the held-out ones never seen in training.`,
      describeSettings(params),
    ],
    table: {
      columns: ['gap (words)', 'cell', 'held-out accuracy', 'chance', 'steps', 'seconds'],
      rows: rows.map((r) => [r.gap, r.label, r.accuracy.toFixed(3), chance.toFixed(3), r.steps, r.seconds.toFixed(1)]),
    },
  });
  let run = 0;
  for (const gap of params.gaps) {
    const task = wordGapGenerator(corpus, gap);
    for (const { cell, label } of CELLS) {
      run++;
      const what = `run ${run} of ${total}: ${label} at a ${gap}-word gap`;
      let last = 0;
      ctx.onProgress(`${what}…`, undefined, { run, runs: total, step: 0, steps: params.iterations, loss: null });
      const r = await trainOnTask({
        cell,
        backend,
        task,
        hiddenSize: params.hidden,
        iterations: params.iterations,
        batchSize: params.batch,
        lr: params.lr,
        forgetBias: params.forgetBias,
        inputBias: params.inputBias,
        updateBias: params.updateBias,
        seed: params.seed,
        evalSize: params.evalSize,
        stopAt: { loss: params.stopLoss, window: params.stopWindow },
        onStep: ({ iteration, loss }) => {
          const now = performance.now();
          if (now - last < 100) return;
          last = now;
          ctx.onProgress(`${what} · step ${iteration} · loss ${loss.toFixed(3)}`, undefined, { run, runs: total, step: iteration, steps: params.iterations, loss });
        },
      });
      r.model.dispose();
      rows.push({ gap, cell, label, accuracy: r.score, steps: r.iterations, seconds: r.wallMs / 1000 });
      ctx.onProgress(`${what}: ${pct(r.score)} after ${r.iterations} steps`, output(), { run, runs: total, step: r.iterations, steps: params.iterations, loss: r.losses.at(-1) ?? null });
    }
  }
  return output();
}
