/**
 * Results: one JSON document per run (bench/results/<date>.json) and a markdown table with
 * GFLOP/s and every recur ÷ peer ratio measured in the same run.
 */
import type { Timing } from './measure.js';
import { STREAM_STEPS_PER_SAMPLE, unitFlops, type Workload } from './workloads.js';

/** One measured cell of the table. */
export interface ResultRow {
  readonly workload: string;
  readonly contender: string;
  readonly family: 'recur' | 'peer';
  readonly unit: 'iteration' | 'step';
  readonly timing?: Timing;
  readonly gflops?: number;
  /** Why it was not run (unsupported workload, failure). */
  readonly skipped?: string;
  /** max/min over the samples exceeded {@link UNSTABLE_SPREAD}: the machine was contended; not in ratios. */
  readonly unstable?: boolean;
  /** Why this row is left out of the ratios although it was measured (e.g. PyTorch older than 2.0). */
  readonly excluded?: string;
}

/** A row whose slowest sample is more than this many times its fastest is flagged `unstable`. */
export const UNSTABLE_SPREAD = 5;

/** Whether a timing's spread (max ÷ min) marks it unstable. */
export function isUnstable(t: Timing): boolean {
  return !(t.maxMs <= UNSTABLE_SPREAD * t.minMs);
}

/** The whole run. */
export interface BenchReport {
  readonly date: string;
  readonly mode: 'full' | 'smoke';
  readonly machine: {
    readonly node: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly platform: string;
    /** os.loadavg() (1, 5, 15 min) when the run started and when it ended. */
    readonly loadStart?: readonly number[];
    readonly loadEnd?: readonly number[];
  };
  readonly plan: { readonly warmup: number; readonly iterations: number; readonly streamWarmup?: number };
  readonly workloads: readonly Workload[];
  readonly rows: readonly ResultRow[];
  /** recur ÷ peer time ratios for the same workload (below 1 means recur is faster). */
  readonly ratios: readonly { workload: string; recur: string; peer: string; timeRatio: number; speedup: number }[];
  readonly unavailable: readonly { name: string; reason: string }[];
  readonly notes: readonly string[];
}

/** GFLOP/s from a median time. */
export function gflopsOf(w: Workload, t: Timing): number {
  return unitFlops(w) / (t.medianMs * 1e-3) / 1e9;
}

/**
 * Every recur ÷ peer ratio for workloads both ran. Rows flagged `unstable` (either side) or
 * `excluded` are left out: a ratio against a contended or outdated measurement says nothing.
 */
export function ratios(rows: readonly ResultRow[]): BenchReport['ratios'] {
  const out: BenchReport['ratios'][number][] = [];
  const usable = (r: ResultRow) => r.timing !== undefined && !r.unstable && !r.excluded;
  for (const r of rows) {
    if (r.family !== 'recur' || !usable(r) || !r.timing) continue;
    for (const p of rows) {
      if (p.family !== 'peer' || p.workload !== r.workload || !usable(p) || !p.timing) continue;
      const timeRatio = r.timing.medianMs / p.timing.medianMs;
      out.push({ workload: r.workload, recur: r.contender, peer: p.contender, timeRatio, speedup: 1 / timeRatio });
    }
  }
  return out;
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : `${(ms * 1000).toFixed(1)}µs`).replace(/^(\d+(\.\d+)?)$/, '$1 ms');

/** The markdown table printed at the end and written beside the JSON. */
export function markdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# recur bench — ${report.date} (${report.mode})`, '');
  lines.push(`Node ${report.machine.node}, ${report.machine.cpus} × ${report.machine.cpuModel}. Median of ${report.plan.iterations} after ${report.plan.warmup} warm-up (streaming workloads: ${report.plan.streamWarmup ?? report.plan.warmup} warm-up samples of ${STREAM_STEPS_PER_SAMPLE} steps). Time per iteration (per step for W4).`, '');
  const load = (l?: readonly number[]) => (l ? l.map((x) => x.toFixed(2)).join(', ') : 'unknown');
  lines.push(`Load average (1, 5, 15 min): ${load(report.machine.loadStart)} at the start, ${load(report.machine.loadEnd)} at the end.`, '');
  lines.push('| workload | implementation | median | min | max | GFLOP/s | peak RSS Δ MiB | flag |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const w of report.workloads) {
    for (const r of report.rows.filter((x) => x.workload === w.id)) {
      if (!r.timing) continue;
      const t = r.timing;
      lines.push(
        `| ${w.id} ${w.title} | ${r.contender} | ${fmtMs(t.medianMs)} | ${fmtMs(t.minMs)} | ${fmtMs(t.maxMs)} | ${r.gflops?.toFixed(2) ?? ''} | ${Number.isFinite(t.peakRssMiB) ? t.peakRssMiB.toFixed(1) : ''} | ${[r.unstable ? 'unstable' : '', r.excluded ? 'not in ratios' : ''].filter(Boolean).join(', ')} |`,
      );
    }
  }
  if (report.ratios.length > 0) {
    lines.push('', '## Speed-up of recur over each peer (peer time ÷ recur time, same run)', '');
    lines.push('| workload | recur | peer | speed-up |', '| --- | --- | --- | ---: |');
    for (const q of report.ratios) lines.push(`| ${q.workload} | ${q.recur} | ${q.peer} | ${q.speedup.toFixed(2)}× |`);
  }
  const flagged = report.rows.filter((r) => r.timing && (r.unstable || r.excluded));
  if (flagged.length > 0) {
    lines.push('', '## Left out of the ratios', '');
    for (const r of flagged) {
      const why = [r.unstable && r.timing ? `unstable: max ${fmtMs(r.timing.maxMs)} is ${(r.timing.maxMs / r.timing.minMs).toFixed(1)}× min ${fmtMs(r.timing.minMs)} (> ${UNSTABLE_SPREAD}×, a contended run)` : '', r.excluded ?? ''].filter(Boolean).join('; ');
      lines.push(`- ${r.workload} ${r.contender}: ${why}`);
    }
  }
  const skipped = report.rows.filter((r) => r.skipped && !/^unsupported/.test(r.skipped));
  if (report.unavailable.length > 0 || skipped.length > 0) {
    lines.push('', '## Not measured', '');
    for (const u of report.unavailable) lines.push(`- ${u.name}: ${u.reason}`);
    for (const s of skipped) lines.push(`- ${s.contender} on ${s.workload}: ${s.skipped}`);
  }
  if (report.notes.length > 0) lines.push('', '## Notes', '', ...report.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
