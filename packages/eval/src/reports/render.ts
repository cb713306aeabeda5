/** Renders Vega-Lite specs to SVG in Node, with no DOM and no canvas. */
import { InvalidArgumentError, RecurError } from '@recur/backend';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

type Engines = [typeof Vega, typeof VegaLite];

/**
 * vega and vega-lite are ESM-only (and vega has top-level await), so they are loaded on first use
 * with a dynamic `import()`. That keeps the CommonJS build of this package loadable with
 * `require()`, and keeps the spec builders free of the rendering engine.
 */
let engines: Promise<Engines> | undefined;
function loadEngines(): Promise<Engines> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]);
  return engines;
}

/**
 * Compiles a Vega-Lite spec to Vega and renders it headless (`new View(…, { renderer: 'none' })`
 * then `view.toSVG()`). Returns the SVG document as a string. Text widths are estimated (no
 * canvas in Node), so labels may sit a pixel or two differently than in a browser.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  if (spec == null || typeof spec !== 'object') {
    throw new InvalidArgumentError('renderSvg: spec', 'must be a Vega-Lite spec object (e.g. from perHorizonChart()).');
  }
  const [vega, vegaLite] = await loadEngines();
  let view: Vega.View | undefined;
  try {
    const compiled = vegaLite.compile(spec).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    return await view.toSVG();
  } catch (cause) {
    throw new RecurError('E_CHART', `Could not render the chart: ${(cause as Error).message}. Check the spec against the Vega-Lite schema.`, { cause });
  } finally {
    view?.finalize();
  }
}
