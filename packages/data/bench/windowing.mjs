// Benchmark: window a 10-million-point series (lookback 256) and iterate every batch of every
// split (shuffled training windows, in-order validation and test), measuring throughput and
// peak memory. Imports the BUILT package; run `pnpm --filter @recur/data build` first.
//
//   node --expose-gc packages/data/bench/windowing.mjs [--points N] [--lookback L] [--batch B] [--reuse]
//
// Prints one JSON object. Exits with code 1 if peak memory growth (RSS over the baseline taken
// before the series exists) reaches 3× the series buffer.
import { batches, chronologicalSplit, createSeries, window } from '../dist/index.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const POINTS = arg('points', 10_000_000);
const LOOKBACK = arg('lookback', 256);
const BATCH = arg('batch', 256);
const REUSE = process.argv.includes('--reuse');
const gc = globalThis.gc ?? (() => {});

gc();
gc();
const base = process.memoryUsage();
const peak = { rss: base.rss, heapUsed: base.heapUsed, arrayBuffers: base.arrayBuffers, external: base.external };
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > peak.rss) peak.rss = m.rss;
  if (m.heapUsed > peak.heapUsed) peak.heapUsed = m.heapUsed;
  if (m.arrayBuffers > peak.arrayBuffers) peak.arrayBuffers = m.arrayBuffers;
  if (m.external > peak.external) peak.external = m.external;
};

// The series: one Float32Array of POINTS values (a noisy daily + weekly seasonal signal).
const data = new Float32Array(POINTS);
let seed = 12345;
for (let i = 0; i < POINTS; i++) {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  data[i] = Math.sin((2 * Math.PI * i) / 24) + 0.5 * Math.sin((2 * Math.PI * i) / 168) + (seed / 4294967296 - 0.5) * 0.2;
}
const seriesBytes = data.byteLength;
const t0 = performance.now();
const series = createSeries({ data, columns: ['value'] }); // validates every value (finite)
const validateMs = performance.now() - t0;
sample();

const split = chronologicalSplit(series, { ratio: { train: 0.8, validation: 0.1, test: 0.1 } });
const opts = { lookback: LOOKBACK, horizon: 1, targets: ['value'] };
const parts = [
  ['train', window(split.train, opts), { shuffle: true, seed: 1 }],
  ['validation', window(split.validation, opts), {}],
  ['test', window(split.test, opts), {}],
];
sample();

let windowsDone = 0;
let bytes = 0;
let batchCount = 0;
let checksum = 0;
const perPart = {};
const start = performance.now();
for (const [name, w, extra] of parts) {
  const ps = performance.now();
  let n = 0;
  for (const b of batches(w, { batchSize: BATCH, reuseBuffers: REUSE, ...extra })) {
    windowsDone += b.B;
    n += b.B;
    bytes += (b.x.length + b.y.length) * 4;
    checksum += b.x[b.x.length - 1] + b.y[0];
    if ((++batchCount & 63) === 0) sample();
  }
  perPart[name] = { windows: n, seconds: +((performance.now() - ps) / 1000).toFixed(3) };
}
const seconds = (performance.now() - start) / 1000;
sample();

const MB = 1024 * 1024;
const rssGrowth = peak.rss - base.rss;
const ratio = rssGrowth / seriesBytes;
const result = {
  benchmark: '@recur/data windowing',
  node: process.version,
  points: POINTS,
  lookback: LOOKBACK,
  batchSize: BATCH,
  reuseBuffers: REUSE,
  exposeGc: typeof globalThis.gc === 'function',
  windows: windowsDone,
  batches: batchCount,
  perPart,
  seconds: +seconds.toFixed(3),
  windowsPerSecond: Math.round(windowsDone / seconds),
  materialisedMBPerSecond: +(bytes / MB / seconds).toFixed(1),
  validateSeriesMs: +validateMs.toFixed(1),
  seriesBufferMB: +(seriesBytes / MB).toFixed(1),
  memory: {
    baselineRssMB: +(base.rss / MB).toFixed(1),
    peakRssMB: +(peak.rss / MB).toFixed(1),
    peakRssGrowthMB: +(rssGrowth / MB).toFixed(1),
    peakHeapUsedGrowthMB: +((peak.heapUsed - base.heapUsed) / MB).toFixed(1),
    peakArrayBuffersGrowthMB: +((peak.arrayBuffers - base.arrayBuffers) / MB).toFixed(1),
    peakRssGrowthOverSeriesBuffer: +ratio.toFixed(3),
    bound: 3,
  },
  withinBound: ratio < 3,
  checksum: +checksum.toFixed(3),
};
console.log(JSON.stringify(result));
if (!result.withinBound) process.exit(1);
