/**
 * Typed errors of `@recur/onnx`. A file that is not ONNX, is truncated or malformed throws core's
 * `ModelFormatError` (`E_MODEL_FORMAT`); a valid ONNX graph that uses something recur cannot
 * represent throws {@link OnnxUnsupportedError}; wrong weight shapes throw `ShapeError` (`E_SHAPE`).
 */
import { RecurError } from '@recur/backend';

/** One thing in an ONNX graph that recur cannot map, and what would be needed to map it. */
export interface UnsupportedFeature {
  /** The node's name (or its first output when unnamed), or `graph` for graph-level features. */
  readonly node: string;
  /** The operator type (`LSTM`, `Loop`, …) or `graph`. */
  readonly op: string;
  /** The offending attribute or input, when it is one (`input_forget`, `P`, `activations`). */
  readonly attribute?: string;
  /** What would be needed for recur to import it. */
  readonly need: string;
}

/**
 * The ONNX model is valid but uses operators or attributes that change the maths in a way recur's
 * models cannot represent. `features` lists every one found (not only the first), each with what
 * would be needed; the message is one line.
 */
export class OnnxUnsupportedError extends RecurError {
  override name = 'OnnxUnsupportedError';
  readonly features: readonly UnsupportedFeature[];
  constructor(features: readonly UnsupportedFeature[]) {
    const parts = features.map((f) => `${f.op}${f.attribute ? ` ${f.attribute}` : ''} (node '${f.node}'): ${f.need}`);
    super('E_ONNX_UNSUPPORTED', `ONNX model not importable: ${parts.join('; ')}`);
    this.features = features;
  }
}
