/** The data source of a command that takes --data / --dataset (predict, evaluate, probe). */
import { resolve } from 'node:path';
import type { CommandContext } from './commands/context.js';
import type { DataSourceSpec } from './data-source.js';

/** Data source for commands that take --data / --dataset, defaulting to the model's own. */
export function sourceFrom(ctx: CommandContext, fallback: DataSourceSpec): DataSourceSpec {
  const data = ctx.flags.str('data');
  const dataset = ctx.flags.str('dataset');
  if (data !== undefined) return { csv: resolve(data), ...(fallback.timestamp !== undefined ? { timestamp: fallback.timestamp } : {}), ...(fallback.missing ? { missing: fallback.missing } : {}) };
  if (dataset !== undefined) return { dataset };
  return fallback;
}
