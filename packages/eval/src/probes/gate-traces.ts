/**
 * Gate traces: per-step gate activations of an LSTM (i, f, g, o and the cell state c) or a GRU
 * (r, z, n), plus the hidden state h, for one chosen input sequence, as [T, H] arrays ready for
 * {@link gateHeatmapChart}.
 *
 * The Backend contract's cell kernels return only h (and c), not the gates, so the gates are
 * recomputed in float64 from the model's `state_dict` with PyTorch's equations (see
 * `referenceForward`). To prove the recomputation is the model, the model's own output for the
 * same sequence is compared with the float64 one, and a disagreement throws.
 */
import { InvalidArgumentError, RecurError, toleranceFor, type CellKind } from '@recur/backend';
import type { GateHeatmapInput } from '../reports/charts.js';
import type { RecurModelLike } from './model-like.js';
import { referenceForward } from './reference.js';

/** Options of {@link gateTraces}. */
export interface GateTraceOptions {
  /** Layer to trace (default 0). */
  readonly layer?: number;
  /** 0 forward, 1 the `_reverse` direction of a bidirectional layer (default 0). */
  readonly direction?: 0 | 1;
  /** Compare the float64 forward with `model.predict` and throw when they disagree (default true). */
  readonly verify?: boolean;
}

/** Gate activations of one layer/direction over one sequence; every array is row-major [T, H]. */
export interface GateTrace {
  readonly cell: CellKind;
  readonly steps: number;
  readonly hidden: number;
  readonly layer: number;
  readonly direction: 0 | 1;
  /** LSTM: i, f, g, o, c; GRU: r, z, n; RNN: (none). Always also h. */
  readonly gates: Record<string, Float64Array>;
  /** Largest |model output − float64 output| seen by the verification (NaN when not verified). */
  readonly maxDeviation: number;
}

/**
 * Trace the gates of `model` on one sequence `x` (row-major [T, I], or T token ids for an lm).
 * Returns float64 activations; `maxDeviation` records how closely they reproduce the model.
 */
export async function gateTraces(model: RecurModelLike, x: ArrayLike<number>, steps: number, options: GateTraceOptions = {}): Promise<GateTrace> {
  const config = model.config;
  const layer = options.layer ?? 0;
  const direction = options.direction ?? 0;
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError('gateTraces: steps', `must be a positive integer; got ${steps}.`);
  const perStep = config.kind === 'lm' ? 1 : config.inputSize;
  if (x.length !== steps * perStep) {
    throw new InvalidArgumentError('gateTraces: x', `must hold T·I = ${steps}·${perStep} values (one sequence, row-major [T, I]); got ${x.length}.`);
  }
  if (!Number.isInteger(layer) || layer < 0 || layer >= config.numLayers) {
    throw new InvalidArgumentError('gateTraces: layer', `must be in [0, ${config.numLayers}); got ${layer}.`);
  }
  if (direction === 1 && !config.bidirectional) throw new InvalidArgumentError('gateTraces: direction', 'the model is unidirectional; use direction 0.');
  const dict = await model.stateDict();
  const ref = referenceForward(dict, config, x, steps);
  let maxDeviation = Number.NaN;
  if (options.verify ?? true) {
    // With B = 1, a single sequence is the same row-major in both layouts.
    const pred = await model.predict({ inputs: Float32Array.from(x), T: steps, B: 1 });
    if (pred.output.length !== ref.output.length) {
      throw new RecurError('E_PROBE', `gateTraces: the model returned ${pred.output.length} outputs, the float64 forward ${ref.output.length}.`);
    }
    maxDeviation = 0;
    const tol = toleranceFor(model.backend.capabilities.precision);
    for (let i = 0; i < ref.output.length; i++) {
      const a = pred.output[i] as number;
      const b = ref.output[i] as number;
      const dev = Math.abs(a - b);
      maxDeviation = Math.max(maxDeviation, dev);
      // Recurrence compounds rounding, so allow 10× the per-kernel tolerance.
      if (!(dev <= 10 * (tol.atol + tol.rtol * Math.abs(b)))) {
        throw new RecurError(
          'E_PROBE',
          `gateTraces: the float64 recomputation disagrees with the model at output ${i} (${a} vs ${b}). The backend "${model.backend.name}" does not follow the PyTorch equations, or the state_dict is not the model's.`,
        );
      }
    }
  }
  const trace = ref.traces[layer]![direction]!;
  const gates: Record<string, Float64Array> = { ...trace.gates };
  if (trace.c) gates.c = trace.c;
  gates.h = trace.h;
  return { cell: config.cell, steps, hidden: config.hiddenSize, layer, direction, gates, maxDeviation };
}

/** The traces as the input of `gateHeatmapChart`, optionally keeping only some gates (e.g. `['f', 'i', 'o']`). */
export function gateHeatmapInput(trace: GateTrace, gates?: readonly string[]): GateHeatmapInput {
  const names = gates ?? Object.keys(trace.gates);
  const picked: Record<string, Float64Array> = {};
  for (const n of names) {
    const g = trace.gates[n];
    if (!g) throw new InvalidArgumentError('gateHeatmapInput: gates', `"${n}" is not traced for a ${trace.cell}; available: ${Object.keys(trace.gates).join(', ')}.`);
    picked[n] = g;
  }
  return { steps: trace.steps, hidden: trace.hidden, gates: picked };
}
