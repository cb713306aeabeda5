/**
 * Runnable entry point:
 *   pnpm --filter @example/long-range... build && pnpm --filter @example/long-range start [--quick]
 * Prints error against the gap beside chance, and writes `long-range-report/` (JSON + SVG charts).
 * `--quick` runs a smaller version (adding at T = 50, recall gaps 5 and 30).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '@recur/backend-cpu';
import { ablationChart, gateHeatmapChart, gateHeatmapInput, gradientByLagChart, renderSvg, taskSweepChart, toJsonReport } from '@recur/eval';
import { formatTable, runLongRange } from './experiment.js';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const outDir = process.env.LONG_RANGE_OUT ?? 'long-range-report';
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

  mkdirSync(outDir, { recursive: true });
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
