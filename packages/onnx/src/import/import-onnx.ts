/**
 * `fromOnnx` / `importOnnx`: an ONNX model (ours, or what `torch.onnx.export` writes) into a recur
 * model. The graph is interpreted abstractly (interpret-graph.ts): glue is folded, layout operators
 * tracked, recurrent nodes read, and whatever would change the maths is refused with one
 * {@link OnnxUnsupportedError} that lists every such operator or attribute.
 */
import { InvalidArgumentError, type Backend } from '@recur/backend';
import { ModelFormatError, createModel, resolveBackend, validateModelConfig, type Model, type ModelConfig, type StateDict } from '@recur/core';
import { decodeModelProto } from '../proto/onnx-codec.js';
import { assembleModel, type OnnxGraphInfo } from './assemble-model.js';
import { interpretGraph } from './interpret-graph.js';

/** The result of {@link fromOnnx}. */
export interface OnnxImport {
  readonly config: ModelConfig;
  /** PyTorch-named weights, ready for `model.loadStateDict`. */
  readonly stateDict: StateDict;
  readonly info: OnnxGraphInfo & {
    readonly producerName: string;
    readonly producerVersion: string;
    /** The default-domain opset the model was written with. */
    readonly opset: number;
  };
}

/** Options of {@link importOnnx}. */
export interface OnnxImportOptions {
  /** Backend (or registered name) to build the model on. Default: the registry's current backend. */
  readonly backend?: Backend | string;
  /** Seed of the model's PRNG. Default 0. */
  readonly seed?: number;
  /** File name used in error messages. Default `model.onnx`. */
  readonly file?: string;
}

/** Config fields the graph determines; metadata may add only the others (dropout, init). */
const STRUCTURAL: readonly (keyof ModelConfig)[] = ['kind', 'cell', 'inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'bias', 'outputSize', 'headActivation', 'vocabSize', 'embeddingDim'];

/**
 * Reads an ONNX model into a recur config and state dict without building a model (no backend
 * needed). Throws `ModelFormatError` for bytes that are not a readable ONNX model,
 * {@link OnnxUnsupportedError} for graphs recur cannot represent, `ShapeError` for inconsistent
 * weight shapes.
 */
export function fromOnnx(bytes: Uint8Array, options: { file?: string } = {}): OnnxImport {
  const file = options.file ?? 'model.onnx';
  const proto = decodeModelProto(bytes, file);
  const { config: input, stateDict, info } = assembleModel(interpretGraph(proto.graph!));
  let config: ModelConfig;
  try {
    config = validateModelConfig(input);
  } catch (cause) {
    throw new ModelFormatError(`the graph describes an invalid recur model: ${(cause as Error).message}`, { file, cause });
  }
  // A file exported by recur carries its config: keep dropout and init when the structure agrees.
  const saved = proto.metadata_props?.find((p) => p.key === 'recur.config')?.value;
  if (saved) {
    try {
      const meta = validateModelConfig(JSON.parse(saved) as ModelConfig);
      if (STRUCTURAL.every((k) => meta[k] === config[k])) config = meta;
    } catch {
      // Metadata is advisory: the graph is what runs.
    }
  }
  const opset = proto.opset_import?.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0;
  return { config, stateDict, info: { ...info, producerName: proto.producer_name ?? '', producerVersion: proto.producer_version ?? '', opset: Number(opset) } };
}

/** Builds a recur model from ONNX bytes (see {@link fromOnnx} for what is read and what throws). */
export async function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): Promise<Model> {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('bytes', 'expected the ONNX file contents as a Uint8Array.');
  const imported = fromOnnx(bytes, options.file !== undefined ? { file: options.file } : {});
  const backend = options.backend !== undefined ? await resolveBackend(options.backend) : undefined;
  const model = createModel(imported.config, { ...(backend ? { backend } : {}), seed: options.seed ?? 0 });
  try {
    model.loadStateDict(imported.stateDict);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
