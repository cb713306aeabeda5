/**
 * The word-level long-gap experiment: "The author … <Moby-Dick filler> … finally finished her ___".
 * A tanh RNN, an LSTM and a GRU are trained at each gap (words between the subject and the blank),
 * scored on held-out sentences whose fillers never occur in training, then probed: context
 * ablation (accuracy when only the last k words are visible) and gradient by lag.
 * Deterministic given the seed.
 */
import type { Backend, CellKind } from '@recur/backend';
import {
  buildWordGapCorpus,
  probeWordGap,
  trainOnTask,
  wordGapGenerator,
  wordGapSentence,
  type WordGapCorpus,
  type WordGapProbes,
} from '@recur/eval';

/** Options of {@link runWordGap}. Defaults are the full experiment of the README. */
export interface WordGapExperimentOptions {
  readonly backend: Backend;
  /** The text whose words fill the gap (the `moby-dick` dataset of `@recur/datasets`). */
  readonly text: string;
  readonly cells?: readonly CellKind[];
  /** Gaps in words (default 10, 30, 60, 100). */
  readonly gaps?: readonly number[];
  /** Filler vocabulary: the most frequent words of the text (default 512; the rest are `<unk>`). */
  readonly fillerVocabulary?: number;
  /** Hidden size (default 16). */
  readonly hiddenSize?: number;
  /** Most Adam steps per run (default 1000). */
  readonly iterations?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
  /** Held-out sentences scored and probed (default 512). */
  readonly evalSize?: number;
  /** LSTM forget-gate bias (default 5) and input-gate bias (default −5): chrono-style. */
  readonly forgetBias?: number;
  readonly inputBias?: number;
  /** GRU update-gate bias (default 3). */
  readonly updateBias?: number;
  /** Stop a run once its mean training cross-entropy over 50 steps is below this (default 0.05). */
  readonly stopLoss?: number;
  /** Called after each trained model. */
  readonly onRun?: (row: WordGapRow) => void;
}

/** One trained model. */
export interface WordGapRow {
  readonly gap: number;
  readonly cell: CellKind;
  /** Held-out accuracy over the objects. */
  readonly accuracy: number;
  /** 1 / number of subject → object pairs. */
  readonly chance: number;
  /** Adam steps run (early stop included). */
  readonly steps: number;
  /** Training wall time. */
  readonly seconds: number;
  readonly probes: WordGapProbes;
}

/** What {@link runWordGap} returns. */
export interface WordGapResult {
  readonly rows: WordGapRow[];
  readonly vocabularySize: number;
  /** Share of the text's words inside the vocabulary. */
  readonly coverage: number;
  /** One held-out sentence per gap, as text. */
  readonly examples: Record<number, string>;
  readonly corpus: WordGapCorpus;
}

/** Train and probe every (gap, cell). */
export async function runWordGap(options: WordGapExperimentOptions): Promise<WordGapResult> {
  const cells = options.cells ?? (['rnn-tanh', 'lstm', 'gru'] as const);
  const corpus = buildWordGapCorpus(options.text, { fillerVocabulary: options.fillerVocabulary ?? 512 });
  const rows: WordGapRow[] = [];
  const examples: Record<number, string> = {};
  const seed = options.seed ?? 1;
  const evalSize = options.evalSize ?? 512;
  for (const gap of options.gaps ?? [10, 30, 60, 100]) {
    const task = wordGapGenerator(corpus, gap);
    // trainOnTask scores the held-out batch of seed −1 − seed; the probes run on the same sentences.
    const heldOut = task(-1 - seed, evalSize);
    examples[gap] = wordGapSentence(heldOut, 0);
    for (const cell of cells) {
      const r = await trainOnTask({
        cell,
        backend: options.backend,
        task,
        hiddenSize: options.hiddenSize ?? 16,
        iterations: options.iterations ?? 1000,
        batchSize: options.batchSize ?? 32,
        lr: options.lr ?? 0.01,
        forgetBias: options.forgetBias ?? 5,
        inputBias: options.inputBias ?? -5,
        updateBias: options.updateBias ?? 3,
        seed,
        evalSize,
        stopAt: { loss: options.stopLoss ?? 0.05, window: 50 },
      });
      try {
        const probes = await probeWordGap(r.model, heldOut);
        const row: WordGapRow = { gap, cell, accuracy: r.score, chance: r.chance, steps: r.iterations, seconds: r.wallMs / 1000, probes };
        rows.push(row);
        options.onRun?.(row);
      } finally {
        r.model.dispose();
      }
    }
  }
  return { rows, vocabularySize: corpus.vocabulary.length, coverage: corpus.coverage, examples, corpus };
}

/** The table of the README: gap × cell × accuracy × chance × steps × seconds, and the ablation at k = gap and gap + 1. */
export function formatWordGapTable(rows: readonly WordGapRow[], markdown = false): string {
  const header = ['gap', 'cell', 'accuracy', 'chance', 'steps', 'seconds', 'acc k=gap', 'acc k=gap+1'];
  const lines = rows.map((r) => [
    String(r.gap), r.cell, r.accuracy.toFixed(3), r.chance.toFixed(3), String(r.steps), r.seconds.toFixed(1),
    r.probes.accuracySubjectHidden.toFixed(3), r.probes.accuracySubjectVisible.toFixed(3),
  ]);
  if (markdown) return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}
