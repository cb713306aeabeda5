/**
 * Runnable entry point:
 *   pnpm --filter @example/long-range... build && pnpm --filter @example/long-range start [--synthetic [--quick] | --all]
 * By default runs the word-level long-gap experiment on the WASM backend ("The author … finally
 * finished her ___", Moby-Dick filler, gaps 10/30/60/100) and prints its table; `--synthetic` runs
 * the adding problem and token recall on the CPU backend instead (`--quick`: a smaller version),
 * `--all` both. Writes `long-range-report/` (JSON + SVG charts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '@recur/backend-cpu';
import { createWasmBackend } from '@recur/backend-wasm';
import { loadDataset } from '@recur/datasets';
import { ablationChart, gateHeatmapChart, gateHeatmapInput, gradientByLagChart, renderSvg, taskSweepChart, toJsonReport } from '@recur/eval';
import { formatTable, runLongRange } from './experiment.js';
import { formatWordGapTable, runWordGap } from './word-gap.js';

async function main(): Promise<void> {
  const all = process.argv.includes('--all');
  const synthetic = all || process.argv.includes('--synthetic');
  const outDir = process.env.LONG_RANGE_OUT ?? 'long-range-report';
  mkdirSync(outDir, { recursive: true });
  if (all || !synthetic) await words(outDir);
  if (synthetic) await tokens(outDir, process.argv.includes('--quick'));
}

/** The word-level experiment: table on stdout, JSON and the ablation and gradient charts in outDir. */
async function words(outDir: string): Promise<void> {
  const backend = await createWasmBackend();
  const started = performance.now();
  const text = await loadDataset('moby-dick');
  console.log('long-range (words): "The <subject> … <Moby-Dick filler> … finally finished her ___", tanh RNN vs LSTM vs GRU on the WASM backend');
  const result = await runWordGap({
    backend,
    text,
    onRun: (r) =>
      console.log(
        `  gap=${r.gap} ${r.cell}: accuracy ${r.accuracy.toFixed(3)} (chance ${r.chance.toFixed(3)}) after ${r.steps} steps, ${r.seconds.toFixed(1)} s; subject hidden (k=${r.gap}) ${r.probes.accuracySubjectHidden.toFixed(3)}, visible (k=${r.gap + 1}) ${r.probes.accuracySubjectVisible.toFixed(3)}`,
      ),
  });
  const { rows } = result;
  console.log(`\nvocabulary ${result.vocabularySize} words (one-hot; ${(result.coverage * 100).toFixed(0)} % of the text's words, the rest <unk>); held-out sentence at gap 10:\n  ${result.examples[10] ?? Object.values(result.examples)[0]}\n`);
  console.log(formatWordGapTable(rows));
  console.log(`\ntotal wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const write = (name: string, body: string): void => writeFileSync(join(outDir, name), body);
  write('word-gap-results.json', toJsonReport('long-range-words', { vocabularySize: result.vocabularySize, coverage: result.coverage, examples: result.examples, rows }));
  write('word-gap-table.md', formatWordGapTable(rows, true) + '\n');
  for (const gap of [...new Set(rows.map((r) => r.gap))].filter((g) => g === 30 || g === 60)) {
    const at = rows.filter((r) => r.gap === gap);
    const chance = at[0]!.chance;
    write(
      `word-ablation-gap${gap}.svg`,
      await renderSvg(
        ablationChart(at.flatMap((r) => r.probes.ablation.curve.map((c) => ({ k: c.k, error: c.score, model: r.cell }))), {
          metric: 'held-out accuracy',
          chance,
          marker: { k: gap + 1, label: `subject visible from k = ${gap + 1}` },
          xTitle: 'last k words visible (earlier words → <pad>)',
          title: `gap ${gap}: accuracy when only the last k words are seen`,
        }),
      ),
    );
    write(
      `word-gradient-gap${gap}.svg`,
      await renderSvg(
        gradientByLagChart(at.flatMap((r) => r.probes.gradient.map((norm, i) => ({ lag: i + 1, norm, cell: r.cell }))), {
          xTitle: `words before the blank (the subject is at ${gap + 1})`,
          title: `gap ${gap}: ‖∂loss/∂word vector‖ by distance from the blank`,
        }),
      ),
    );
  }
  console.log(`wrote ${outDir}/: word-gap-results.json, word-gap-table.md and the word-level SVG charts`);
  backend.destroy();
}

/** The synthetic experiment (adding problem and token recall, CPU backend). */
async function tokens(outDir: string, quick: boolean): Promise<void> {
  const backend = createCpuBackend();
  const started = performance.now();
  console.log(`long-range: tanh RNN vs LSTM vs GRU on the CPU backend${quick ? ' (quick)' : ''}`);
  const result = await runLongRange({
    backend,
    ...(quick ? { addingSteps: 50, recallGaps: [5, 30], addingIterations: 1500, recallIterations: 500 } : {}),
    onRun: (r) =>
      console.log(
        `  ${r.task} ${r.task === 'adding' ? 'T' : 'gap'}=${r.gap} ${r.cell}: ${r.metric} ${r.score.toFixed(4)} (chance ${r.chance.toFixed(4)}) after ${r.iterations} steps, ${(r.wallMs / 1000).toFixed(1)} s`,
      ),
  });
  const { rows, addingProbes } = result;
  console.log('\n' + formatTable(rows));
  console.log('\nadding problem probes (held-out):');
  for (const p of addingProbes) {
    const g = p.gradientByLag;
    console.log(
      `  ${p.cell.padEnd(8)} effective context ${String(p.ablation.effectiveContext).padStart(3)} of ${p.ablation.steps} steps; ‖∂ℓ/∂x‖ at lag 0: ${g[0]!.toExponential(2)}, at lag ${g.length - 1}: ${g[g.length - 1]!.toExponential(2)}`,
    );
  }
  console.log(`\ntotal wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const write = (name: string, text: string): void => writeFileSync(join(outDir, name), text);
  write('results.json', toJsonReport('long-range', { rows, addingProbes }));
  const recall = rows.filter((r) => r.task === 'recall');
  if (recall.length > 0) {
    write('recall-accuracy.svg', await renderSvg(taskSweepChart(recall.map((r) => ({ gap: r.gap, value: r.score, cell: r.cell })), { chance: recall[0]!.chance, metric: 'accuracy', title: 'recall accuracy vs gap' })));
  }
  write(
    'adding-gradient-by-lag.svg',
    await renderSvg(gradientByLagChart(addingProbes.flatMap((p) => p.gradientByLag.map((norm, lag) => ({ lag, norm, cell: p.cell }))), { title: 'adding problem: ‖∂ℓ/∂x(T−1−k)‖ after training' })),
  );
  write(
    'adding-context-ablation.svg',
    await renderSvg(ablationChart(addingProbes.flatMap((p) => p.ablation.curve.map((c) => ({ k: c.k, error: c.score, model: p.cell }))), { metric: 'MSE', title: 'adding problem: MSE vs visible context' })),
  );
  for (const p of addingProbes) {
    if (p.gates) write(`${p.cell}-gates.svg`, await renderSvg(gateHeatmapChart(gateHeatmapInput(p.gates, p.cell === 'lstm' ? ['i', 'f', 'o', 'c'] : ['r', 'z', 'n']), { title: `${p.cell} gates on one adding sequence` })));
  }
  console.log(`wrote ${outDir}/: results.json and the SVG charts`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
