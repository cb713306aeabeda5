/**
 * Runnable entry point: `pnpm --filter @example/long-range... build && pnpm --filter @example/long-range start`.
 * Prints error against the gap beside chance, and writes `long-range-report/` (JSON + SVG charts).
 * `--quick` runs a smaller version (adding at T = 50, gaps 5 and 30).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '@recur/backend-cpu';
import { renderSvg, taskSweepChart, toJsonReport } from '@recur/eval';
import { formatTable, runLongRange } from './experiment.js';

const quick = process.argv.includes('--quick');
const outDir = process.env.LONG_RANGE_OUT ?? 'long-range-report';
const backend = createCpuBackend();
const started = performance.now();
console.log(`long-range: tanh RNN vs LSTM vs GRU on the CPU backend${quick ? ' (quick)' : ''}`);
const rows = await runLongRange({
  backend,
  ...(quick ? { addingSteps: 50, recallGaps: [5, 30], addingIterations: 1500, recallIterations: 500 } : {}),
  onRun: (r) => console.log(`  ${r.task} ${r.task === 'adding' ? 'T' : 'gap'}=${r.gap} ${r.cell}: ${r.metric} ${r.score.toFixed(4)} (chance ${r.chance.toFixed(4)}) after ${r.iterations} steps, ${(r.wallMs / 1000).toFixed(1)} s`),
});
console.log('\n' + formatTable(rows));
console.log(`\ntotal wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'results.json'), toJsonReport('long-range', rows));
const recall = rows.filter((r) => r.task === 'recall').map((r) => ({ gap: r.gap, value: r.score, cell: r.cell }));
if (recall.length > 0) {
  writeFileSync(join(outDir, 'recall-accuracy.svg'), await renderSvg(taskSweepChart(recall, { chance: rows.find((r) => r.task === 'recall')!.chance, metric: 'accuracy', title: 'recall accuracy vs gap' })));
}
console.log(`wrote ${outDir}/results.json and ${outDir}/recall-accuracy.svg`);
