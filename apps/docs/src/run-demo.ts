/**
 * Runs one demo by name on one backend and reports through a callback: the worker's body,
 * kept separate so it can run anywhere (a worker, the page, a test).
 */
import { createDemoBackend, describeBackend, type BackendSources, type DemoBackendName } from './backends.js';
import { runForecast, type SeriesJson } from './demos/forecast.js';
import { runGates } from './demos/gates.js';
import { runRecall } from './demos/recall.js';
import { runTelephone } from './demos/telephone.js';
import type { DemoContext, DemoOutput } from './demos/types.js';

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
  /** The forecast demo's series (the page fetches it). */
  readonly data?: SeriesJson;
}

/** What comes back. */
export type DemoMessage =
  | { readonly id: number; readonly type: 'progress'; readonly message: string; readonly output?: DemoOutput }
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
      onProgress: (message, output) => post(output ? { id, type: 'progress', message, output } : { id, type: 'progress', message }),
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
        output = await runRecall(backend, ctx);
        break;
      case 'forecast':
        if (!request.data) throw new Error('the forecast demo needs its data series');
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
