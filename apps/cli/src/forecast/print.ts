/** The metrics table on the terminal, and its JSON form. */
import { formatTable, type Output } from '../output.js';
import type { ScoreTable } from './scores.js';

/** Print the metrics table and the skill lines. */
export function printScores(out: Output, scores: ScoreTable): void {
  const c = out.color;
  const rows = scores.rows.map((r) => [r.model, r.mae, r.rmse, r.mase, r.smape]);
  out.print(formatTable(['model', 'MAE', 'RMSE', `MASE(${scores.seasonalPeriod})`, 'sMAPE %'], rows, c));
  const pct = (x: number) => `${(Math.abs(x) * 100).toFixed(1)}%`;
  const verdict = (x: number) => (x > 0 ? c.green(`${pct(x)} lower MAE`) : c.red(`${pct(-x)} higher MAE`));
  out.print(`vs persistence: ${verdict(scores.skillVsPersistence)}${scores.skillVsSeasonal !== null ? `   vs seasonal naive: ${verdict(scores.skillVsSeasonal)}` : ''}`);
  const H = scores.horizon;
  if (H > 1) {
    const picks = [...new Set([1, Math.ceil(H / 2), H])];
    out.print();
    out.print(
      formatTable(
        ['MAE at horizon', ...picks.map((h) => `h=${h}`)],
        scores.rows.map((r) => [r.model, ...picks.map((h) => r.perHorizon[h - 1]!)]),
        c,
      ),
    );
  }
}

/** Plain-JSON form of a score table. */
export function scoresJson(scores: ScoreTable): Record<string, unknown> {
  return {
    windows: scores.windows,
    horizon: scores.horizon,
    seasonalPeriod: scores.seasonalPeriod,
    skillVsPersistence: scores.skillVsPersistence,
    skillVsSeasonal: scores.skillVsSeasonal,
    rows: scores.rows.map((r) => ({ model: r.model, mae: r.mae, rmse: r.rmse, mase: r.mase, smape: r.smape, perHorizon: r.perHorizon })),
  };
}
