/** `recur backends` and `recur datasets`: listings. */
import { listDatasets } from '@recur/datasets';
import { allBackends } from '../backends.js';
import type { CommandContext } from './context.js';
import { formatTable } from '../output.js';

/** `recur backends`. */
export async function backendsCommand(ctx: CommandContext): Promise<void> {
  const { out } = ctx;
  const rows = await allBackends();
  const c = out.color;
  out.print(
    formatTable(
      ['backend', 'available', 'priority', 'notes'],
      rows.map((b) => [b.name, b.available ? c.green('yes') : c.red('no'), String(b.priority), b.available ? (b.note ? `${b.description} [${b.note}]` : b.description) : (b.reason ?? 'unavailable')]),
      c,
    ),
  );
  const best = rows.find((b) => b.available);
  if (best) out.print(`\n--backend auto (the default) picks: ${best.name}`);
  out.emitJson({ backends: rows.map((b) => ({ name: b.name, available: b.available, reason: b.reason ?? null, priority: b.priority, description: b.description, note: b.note ?? null })), auto: best?.name ?? null });
}

/** `recur datasets`. */
export async function datasetsCommand(ctx: CommandContext): Promise<void> {
  const { out } = ctx;
  const rows = listDatasets();
  out.print(
    formatTable(
      ['dataset', 'kind', 'frequency', 'season', 'size', 'default target', 'description'],
      rows.map((d) => [d.name, d.kind, d.frequency, d.seasonalPeriod, d.size, d.defaultTarget, d.description]),
      out.color,
    ),
  );
  out.print('\nTrain on one with: recur train --dataset NAME [--target COLUMN]');
  out.emitJson({ datasets: rows });
}
