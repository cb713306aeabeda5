#!/usr/bin/env node
/**
 * `pnpm bench`: run the fixed workloads on every available recur backend and on the peers, in one
 * run, and write bench/results/<date>.json plus a markdown table (also printed).
 *
 *   pnpm bench                      full run (≥ 20 timed iterations per workload)
 *   pnpm bench --smoke              CI mode: 1 warm-up, 2 iterations, W1–W5 only; asserts nothing
 *   pnpm bench --only W1,W4         a subset of workloads
 *   pnpm bench --skip tfjs-layers/cpu,brain.js   (a name also skips its labelled variants:
 *                                                 `recur/webgpu` skips `recur/webgpu (SwiftShader)`,
 *                                                 `pytorch/cpu` skips `pytorch/cpu (2.13.0+cpu)`)
 *   pnpm bench --out DIR            where to write the results
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { RunPlan } from './measure.js';
import { benchFile, repoRoot } from './paths.js';
import { createBrainPeer } from './peers/brain.js';
import { createOnnxPeer } from './peers/onnxruntime.js';
import { createOnnxWebPeers } from './peers/onnxruntime-web.js';
import { createPytorchPeer } from './peers/pytorch.js';
import { createTfjsLayersPeer } from './peers/tfjs-layers.js';
import type { Contender, Unavailable } from './peers/types.js';
import { recurContenders } from './recur.js';
import { gflopsOf, isUnstable, markdown, ratios, type BenchReport, type ResultRow } from './report.js';
import { WORKLOADS, planFor, streamWarmup } from './workloads.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const plan: RunPlan = smoke ? { warmup: 0, iterations: 1 } : { warmup: 3, iterations: 20 };
  const only = arg('only')?.split(',');
  const skipList = arg('skip')?.split(',') ?? [];
  const skip = { has: (name: string) => skipList.some((s) => name === s || name.startsWith(`${s} `)) };
  const workloads = WORKLOADS.filter((w) => (only ? only.includes(w.id) : smoke ? !w.sweep : true));
  const unavailable: Unavailable[] = [];
  const notes: string[] = [];
  const loadStart = os.loadavg();
  console.log(`load average at start (1, 5, 15 min): ${loadStart.map((x) => x.toFixed(2)).join(', ')} on ${os.cpus().length} CPUs`);

  const contenders: Contender[] = [];
  const add = async (name: string, make: () => Promise<Contender | Contender[] | string>) => {
    if (skip.has(name)) return;
    try {
      const c = await make();
      if (typeof c === 'string') unavailable.push({ name, reason: c });
      else contenders.push(...(Array.isArray(c) ? c : [c]).filter((x) => !skip.has(x.name)));
    } catch (e) {
      unavailable.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  };
  const recur = await recurContenders();
  contenders.push(...recur.contenders.filter((c) => !skip.has(c.name)));
  unavailable.push(...recur.unavailable);
  await add('tfjs-layers/wasm', () => createTfjsLayersPeer('wasm'));
  await add('tfjs-layers/cpu', () => createTfjsLayersPeer('cpu'));
  await add('onnxruntime-node/cpu', () => createOnnxPeer());
  await add('onnxruntime-web/wasm', () => createOnnxWebPeers([1, 2]));
  await add('brain.js', () => createBrainPeer());
  await add('pytorch/cpu', async () => createPytorchPeer(workloads, plan));
  await add('pytorch/cpu-1thread', async () => createPytorchPeer(workloads, plan, 1));
  for (const c of contenders) if (c.note && !notes.includes(c.note)) notes.push(c.note);

  const rows: ResultRow[] = [];
  for (const w of workloads) {
    for (const c of contenders) {
      const ok = c.supports(w);
      if (ok !== true) {
        rows.push({ workload: w.id, contender: c.name, family: c.family, unit: w.unit, skipped: `unsupported: ${ok}` });
        continue;
      }
      process.stdout.write(`${w.id.padEnd(6)} ${c.name.padEnd(28)} `);
      try {
        const timing = await c.run(w, planFor(w, plan));
        const gflops = gflopsOf(w, timing);
        const unstable = isUnstable(timing);
        rows.push({
          workload: w.id, contender: c.name, family: c.family, unit: w.unit, timing, gflops,
          ...(unstable ? { unstable } : {}), ...(c.excludeFromRatios ? { excluded: c.excludeFromRatios } : {}),
        });
        console.log(`${timing.medianMs.toFixed(3)} ms/${w.unit}  ${gflops.toFixed(2)} GFLOP/s${unstable ? `  UNSTABLE (max/min ${(timing.maxMs / timing.minMs).toFixed(1)})` : ''}`);
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        rows.push({ workload: w.id, contender: c.name, family: c.family, unit: w.unit, skipped: `failed: ${reason}` });
        console.log(`failed: ${reason}`);
      }
    }
  }
  for (const c of contenders) await c.close?.();

  const extras = runDataBench(smoke);
  if (extras) notes.push(extras);
  if (recur.notes.length > 0) notes.push(...recur.notes);

  const loadEnd = os.loadavg();
  console.log(`load average at end (1, 5, 15 min): ${loadEnd.map((x) => x.toFixed(2)).join(', ')}`);
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: smoke ? 'smoke' : 'full',
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${process.platform}-${process.arch}`, loadStart, loadEnd },
    plan: { ...plan, streamWarmup: streamWarmup(plan) },
    workloads,
    rows,
    ratios: ratios(rows),
    unavailable,
    notes,
  };
  const md = markdown(report);
  console.log(`\n${md}`);
  const outDir = arg('out') ?? (smoke ? join(os.tmpdir(), 'recur-bench') : benchFile('results'));
  mkdirSync(outDir, { recursive: true });
  const stem = report.date.slice(0, 10) + (smoke ? '.smoke' : '');
  for (const [ext, text] of [['json', JSON.stringify(report, null, 2) + '\n'], ['md', md]] as const) {
    const file = join(outDir, `${stem}.${ext}`);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file); // atomic: a killed run never leaves half a results file
  }
  console.log(`wrote ${join(outDir, stem)}.{json,md}`);
  // Dawn/WebGPU and tfjs keep handles open; the run is complete.
  process.exit(0);
}

/** The @recur/data windowing benchmark (issue 4), when it is built. */
function runDataBench(smoke: boolean): string | null {
  const script = join(repoRoot, 'packages', 'data', 'bench', 'windowing.mjs');
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...(smoke ? ['--points', '200000'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) return `data windowing bench: failed or missing (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
  return `data windowing bench: ${r.stdout.trim().split('\n').pop()}`;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(2);
});
