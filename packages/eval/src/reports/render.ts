/** Renders Vega-Lite specs to SVG in Node, with no DOM and no canvas. */
import { InvalidArgumentError, RecurError } from '@recur/backend';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Compiles a Vega-Lite spec to Vega and renders it headless (`new View(…, { renderer: 'none' })`
 * then `view.toSVG()`). Returns the SVG document as a string. Text widths are estimated (no
 * canvas in Node), so labels may sit a pixel or two differently than in a browser.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  if (spec == null || typeof spec !== 'object') {
    throw new InvalidArgumentError('renderSvg: spec', 'must be a Vega-Lite spec object (e.g. from perHorizonChart()).');
  }
  let view: View | undefined;
  try {
    const vega = compile(spec).spec;
    view = new View(parse(vega), { renderer: 'none' });
    return await view.toSVG();
  } catch (cause) {
    throw new RecurError('E_CHART', `Could not render the chart: ${(cause as Error).message}. Check the spec against the Vega-Lite schema.`, { cause });
  } finally {
    view?.finalize();
  }
}
