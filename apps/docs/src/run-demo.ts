/**
 * Runs one demo by name on one backend and reports through a callback: the worker's body,
 * kept separate so it can run anywhere (a worker, the page, a test).
 */
import { createDemoBackend, describeBackend, type BackendSources, type DemoBackendName } from './backends.js';
import { runForecast, type SeriesJson } from './demos/forecast.js';
import { runGates } from './demos/gates.js';
import { runRecall, type WordsJson } from './demos/recall.js';
import { runTelephone } from './demos/telephone.js';
import type { DemoContext, DemoOutput, DemoProgress } from './demos/types.js';

/** The demos the site has. */
export type DemoName = 'telephone' | 'gates' | 'recall' | 'forecast';

/** Every demo name. */
export const DEMO_NAMES: readonly DemoName[] = ['telephone', 'gates', 'recall', 'forecast'];

/** What the page asks for. */
export interface DemoRequest {
  readonly id: number;
  readonly demo: DemoName;
  readonly backend: DemoBackendName;
  readonly test: boolean;
  /** The data the page fetched for the demo: the forecast demo's series, the recall demo's filler text. */
  readonly data?: SeriesJson | WordsJson;
}

/** What comes back. */
export type DemoMessage =
  | { readonly id: number; readonly type: 'progress'; readonly message: string; readonly output?: DemoOutput; readonly progress?: DemoProgress }
  | { readonly id: number; readonly type: 'result'; readonly output: DemoOutput; readonly backend: string; readonly ms: number }
  | { readonly id: number; readonly type: 'error'; readonly message: string };

/** Run `request`, posting progress, then exactly one result or error. */
export async function runDemo(request: DemoRequest, sources: BackendSources, post: (m: DemoMessage) => void): Promise<void> {
  const { id } = request;
  const started = performance.now();
  let backend;
  try {
    post({ id, type: 'progress', message: `starting the ${request.backend} backend…` });
    backend = await createDemoBackend(request.backend, sources);
    const ctx: DemoContext = {
      test: request.test,
      onProgress: (message, output, progress) => post({ id, type: 'progress', message, ...(output ? { output } : {}), ...(progress ? { progress } : {}) }),
    };
    let output: DemoOutput;
    switch (request.demo) {
      case 'telephone':
        output = await runTelephone(backend, ctx);
        break;
      case 'gates':
        output = await runGates(backend, ctx);
        break;
      case 'recall':
        if (!request.data || !('text' in request.data)) throw new Error('the recall demo needs its filler text (/data/moby-dick-words.json)');
        output = await runRecall(backend, request.data, ctx);
        break;
      case 'forecast':
        if (!request.data || !('values' in request.data)) throw new Error('the forecast demo needs its data series');
        output = await runForecast(backend, request.data, ctx);
        break;
      default:
        throw new Error(`unknown demo "${String(request.demo)}"; use one of ${DEMO_NAMES.join(', ')}`);
    }
    post({ id, type: 'result', output, backend: describeBackend(backend), ms: performance.now() - started });
  } catch (e) {
    post({ id, type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  } finally {
    backend?.destroy();
  }
}
