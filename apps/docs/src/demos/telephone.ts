/**
 * The telephone game: how much of the loss's gradient reaches an input k steps back, for a
 * vanilla RNN, an LSTM and a GRU on the same adding-problem batch.
 *
 *   norms[k] = (1/B) Σ_b ‖∂ℓ_b/∂x_{T−1−k, b}‖₂     (k = 0 is the last step)
 *
 * computed by @recur/eval's gradientByLag on the chosen backend (cellForward + cellBackward).
 */
import type { Backend, CellKind } from '@recur/backend';
import { createModel } from '@recur/core';
import { addingProblem, gradientByLag, gradientByLagChart, toTimeMajor, type GradientLagRow } from '@recur/eval';
import type { DemoContext, DemoOutput } from './types.js';

/** Sizes of the telephone demo. */
export interface TelephoneParams {
  /** Sequence length T (lags 0…T−1). */
  readonly steps: number;
  readonly hidden: number;
  readonly batch: number;
  readonly seed: number;
}

/** Default sizes, and the tiny ones used by the browser tests. */
export function telephoneParams(test: boolean): TelephoneParams {
  return test ? { steps: 12, hidden: 4, batch: 4, seed: 1 } : { steps: 60, hidden: 32, batch: 16, seed: 1 };
}

/**
 * The models compared. PyTorch's default init gives an LSTM a forget gate near σ(0) = 0.5, so its
 * memory halves every step; the customary forget-gate bias of 1 (Gers et al. 2000; Jozefowicz et
 * al. 2015) opens the constant-error carousel c' = f⊙c + i⊙g, which is the LSTM's whole point.
 */
const CELLS: readonly { cell: CellKind; label: string; forgetBias?: number }[] = [
  { cell: 'rnn-tanh', label: 'RNN (tanh)' },
  { cell: 'lstm', label: 'LSTM' },
  { cell: 'lstm', label: 'LSTM, forget bias 1', forgetBias: 1 },
  { cell: 'gru', label: 'GRU' },
];

/** Run the probe for each model at initialisation (same seed, same batch). */
export async function runTelephone(backend: Backend, ctx: DemoContext, params: TelephoneParams = telephoneParams(ctx.test)): Promise<DemoOutput> {
  const { steps: T, hidden, batch: B, seed } = params;
  const task = addingProblem({ n: B, steps: T, seed });
  const inputs = toTimeMajor(task.inputs, B, T, task.features); // [N, T, I] → [T, B, I]
  const rows: GradientLagRow[] = [];
  const decay: string[] = [];
  for (const { cell, label, forgetBias } of CELLS) {
    ctx.onProgress(`probing ${label}…`);
    const model = createModel(
      { kind: 'seq2one', cell, inputSize: task.features, hiddenSize: hidden, outputSize: 1, ...(forgetBias === undefined ? {} : { init: { forgetBias } }) },
      { backend, seed },
    );
    try {
      const g = await gradientByLag(model, { inputs, T, B }, { loss: 'mse', targets: task.targets });
      for (let k = 0; k < T; k++) rows.push({ lag: k, norm: g.norms[k] as number, cell: label });
      const last = g.relative[T - 1] as number;
      decay.push(`${label}: the gradient ${T - 1} steps back is ${formatRatio(last)} the gradient at the last step.`);
    } finally {
      model.dispose();
    }
  }
  const spec = gradientByLagChart(rows, { title: `‖∂ℓ/∂x(T−1−k)‖ at initialisation, H = ${hidden}, T = ${T}`, width: 470, height: 280 }) as unknown as {
    encoding: { y: Record<string, unknown> };
  };
  spec.encoding.y = { ...spec.encoding.y, axis: { format: '.0e' } }; // one notation for every tick: 1e-2 … 1e-14
  return {
    charts: [{ key: 'lag', spec }],
    summary: decay,
  };
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 0.123 → "12.3 %"; 4.5e-13 → "4.5 × 10⁻¹³ times". */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'undefined';
  if (r === 0) return 'exactly 0 times';
  if (r >= 0.01) return `${(r * 100).toFixed(1)} % of`;
  const [mantissa, exponent] = r.toExponential(1).split('e') as [string, string];
  const power = String(Number(exponent)).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c] ?? c);
  return `${mantissa} × 10${power} times`;
}
