/**
 * recur's own rows: every recur backend that can be created here, driven through @recur/core's
 * public API exactly as a user would (createModel → trainStep / predict / step).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { getBackend, listBackends, normalizeCapabilities, type Backend } from '@recur/backend';
import { discoverBackendPackages } from './discover-backends.js';
import { Optimizer, createModel, trainStep, type Model } from '@recur/core';
import { measure, type RunPlan } from './measure.js';
import type { Contender, Unavailable } from './peers/types.js';
import { STREAM_STEPS_PER_SAMPLE, randomData, type Workload } from './workloads.js';

interface BackendSource {
  readonly name: string;
  /** The backend, and optionally a label that replaces `name` (e.g. when running on SwiftShader). */
  readonly create: () => Promise<Backend | { backend: Backend; label: string; note?: string }>;
}

/**
 * WebGPU in Node runs through Dawn (the `webgpu` package). On machines without a GPU, Dawn finds
 * Debian chromium's SwiftShader Vulkan driver when VK_ICD_FILENAMES points at it.
 */
function useSwiftShaderWhenNoDriverIsSet(): void {
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
}

/**
 * The CPU backend declaring no fused sequence, so @recur/core composes every sequence from T = 1
 * cell calls (composeSequence): the `recur/cpu (composed steps)` row, set against `recur/cpu`,
 * is what composition costs a step-only backend.
 */
async function createComposedCpu(): Promise<{ backend: Backend; label: string }> {
  const cpu = await getBackend('cpu');
  const capabilities = normalizeCapabilities({ ...cpu.capabilities, fusedSequence: false });
  const backend = new Proxy(cpu, {
    get(target, key) {
      if (key === 'capabilities') return capabilities;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { backend, label: 'cpu (composed steps)' };
}

/** recur/wasm rows: 1 thread, 2 threads, and the default (the cores available, at most 8) when more. */
const WASM_THREADS = [...new Set([1, 2, Math.min(8, os.availableParallelism())])];

/**
 * The WASM backend on `threads` threads, labelled with the count it really runs (where shared memory
 * is unavailable it falls back to 1 and the note says why).
 */
async function createWasmSource(threads: number): Promise<{ backend: Backend; label: string; note?: string }> {
  const backend = await (await import('@recur/backend-wasm')).createWasmBackend({ threads });
  const label = `wasm ×${backend.threads}`;
  if (backend.threads !== threads) return { backend, label, note: `recur/wasm asked for ${threads} threads ran on ${backend.threads}: ${backend.threadsUnavailable ?? 'unknown reason'}` };
  return { backend, label };
}

/**
 * One source per registry name of every discovered backend package: the package's own
 * `register()` (its defaults), then `getBackend(name)`. A backend on a software adapter (its probe
 * says so in a note) is labelled, e.g. `webgpu (SwiftShader)`: CPU-emulation timings, not GPU ones.
 */
async function backendSources(unavailable: Unavailable[]): Promise<BackendSource[]> {
  useSwiftShaderWhenNoDriverIsSet();
  const sources: BackendSource[] = [];
  for (const found of await discoverBackendPackages()) {
    if (!('info' in found)) {
      unavailable.push({ name: found.name, reason: found.problem });
      continue;
    }
    found.info.register();
    for (const variant of found.info.variants) {
      if (variant.name === 'wasm') {
        // The WASM backend is measured at 1 and 2 threads (and the default count where larger).
        for (const threads of WASM_THREADS) sources.push({ name: `wasm ×${threads}`, create: () => createWasmSource(threads) });
        continue;
      }
      sources.push({
        name: variant.name,
        create: async () => {
          // The probe's note (e.g. a software adapter) shows only before the instance exists.
          const row = (await listBackends()).find((b) => b.name === variant.name);
          const backend = await getBackend(variant.name);
          if (!row?.note) return backend;
          const label = `${variant.name} (${/swiftshader/i.test(row.note) ? 'SwiftShader' : 'software adapter'})`;
          return { backend, label, note: `${label}: ${row.note}. These are CPU-emulation timings, not GPU timings.` };
        },
      });
      if (variant.name === 'cpu') sources.push({ name: 'cpu (composed steps)', create: createComposedCpu });
    }
  }
  return sources;
}

function modelFor(w: Workload, backend: Backend): Model {
  return createModel(
    {
      kind: w.kind === 'train' ? 'seq2one' : 'seq2seq',
      cell: w.cell,
      inputSize: w.I,
      hiddenSize: w.H,
      numLayers: 1,
      bidirectional: false,
      dropout: 0,
      bias: true,
      outputSize: w.kind === 'train' ? w.O : null,
      headActivation: 'identity',
    },
    { backend, seed: 1 },
  );
}

/** Backends the T/H/B scaling sweeps run on (wasm: its default thread count). */
const SWEEP_BACKENDS = new Set(['cpu', `wasm ×${WASM_THREADS[WASM_THREADS.length - 1]}`]);

function contender(name: string, backend: Backend): Contender {
  return {
    name: `recur/${name}`,
    family: 'recur',
    supports: (w: Workload) =>
      !w.sweep || SWEEP_BACKENDS.has(name) ? true : 'scaling sweeps run on the fused cpu and wasm backends only (minutes per point elsewhere)',
    async run(w: Workload, plan: RunPlan) {
      const model = modelFor(w, backend);
      const ownBytes = () => backend.memory().liveBytes;
      try {
        if (w.kind === 'infer-stream') {
          const x = randomData(w.B * w.I, 1);
          const steps = async () => {
            for (let i = 0; i < STREAM_STEPS_PER_SAMPLE; i++) await model.step(x, w.B);
          };
          return await measure(steps, plan, { ownBytes, unitsPerCall: STREAM_STEPS_PER_SAMPLE });
        }
        const batch = { inputs: randomData(w.T * w.B * w.I, 1), T: w.T, B: w.B, targets: randomData(w.B * w.O, 2) };
        if (w.kind === 'infer-seq') return await measure(() => model.predict(batch), plan, { ownBytes });
        const optimizer = new Optimizer(model, { kind: 'adam', lr: 1e-3 });
        return await measure(() => trainStep(model, optimizer, batch, { loss: 'mse' }), plan, { ownBytes });
      } finally {
        model.dispose();
      }
    },
    close: () => backend.destroy(),
  };
}

/** Create every recur backend that can run here. */
export async function recurContenders(): Promise<{ contenders: Contender[]; unavailable: Unavailable[]; notes: string[] }> {
  const contenders: Contender[] = [];
  const unavailable: Unavailable[] = [];
  const notes: string[] = [];
  for (const source of await backendSources(unavailable)) {
    try {
      const made = await source.create();
      if ('backend' in made) {
        contenders.push(contender(made.label, made.backend));
        if (made.note) notes.push(made.note);
      } else {
        contenders.push(contender(source.name, made));
      }
    } catch (e) {
      unavailable.push({ name: `recur/${source.name}`, reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
    }
  }
  return { contenders, unavailable, notes };
}
