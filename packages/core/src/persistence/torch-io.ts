/**
 * Model-level PyTorch interop: export a recur model as a PyTorch state dict / safetensors file, and
 * build a recur model from one. Name mapping and inference live in torch-names.ts.
 *
 * Exported files carry `__metadata__` `{ format: 'pt', 'recur.config': <ModelConfig JSON>,
 * 'recur.prefix', 'recur.head', 'recur.embedding' }`, so re-importing needs no options and
 * restores what weights cannot tell (cell tanh/relu, kind, head activation, dropout, init).
 * PyTorch ignores the metadata.
 */
import { type Backend } from '@recur/backend';
import { validateModelConfig, type ModelConfig } from '../model/config.js';
import { createModel, resolveBackend, type Model } from '../model/model.js';
import { atomicWriteFile, readFileBytes } from './atomic-write.js';
import { ModelFormatError } from './errors.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { TensorDict } from './tensor-dict.js';
import { fromTorchStateDict, renameToTorch, type TorchExportOptions, type TorchImport, type TorchImportOptions } from './torch-names.js';

/** Options of {@link importTorchSafetensors}: {@link TorchImportOptions} (cell optional when the file has recur metadata) plus where to build. */
export interface TorchSafetensorsImportOptions extends Omit<TorchImportOptions, 'cell'> {
  /** Required unless the file was exported by recur (its metadata names the cell). */
  cell?: TorchImportOptions['cell'];
  /** Backend (or registered name) for the model. Default: the registry's current backend. */
  backend?: Backend | string;
  /** Seed of the model's PRNG. Default 0. */
  seed?: number;
}

/** Options of {@link exportTorchSafetensors}. */
export interface TorchSafetensorsExportOptions extends TorchExportOptions {
  /** Also write the file here (atomically; Node only). */
  path?: string;
}

/** A recur model's weights under PyTorch names for a module with the given prefixes. */
export async function toTorchStateDict(model: Model, options: TorchExportOptions = {}): Promise<TensorDict> {
  return renameToTorch(await model.stateDict(), options);
}

/**
 * Exports a model as a safetensors file that PyTorch loads with
 * `model.load_state_dict(safetensors.torch.load_file(path))` (module names per `options`).
 *
 * @returns the file bytes (also written to `options.path` when given).
 */
export async function exportTorchSafetensors(model: Model, options: TorchSafetensorsExportOptions = {}): Promise<Uint8Array> {
  const prefix = options.prefix ?? 'rnn.';
  const head = options.head ?? 'head';
  const embedding = options.embedding ?? 'embedding';
  const bytes = encodeSafetensors(await toTorchStateDict(model, { prefix, head, embedding }), {
    format: 'pt',
    'recur.config': JSON.stringify(model.config),
    'recur.prefix': prefix,
    // Only modules the model has, so a re-import does not look for missing ones.
    ...(model.config.outputSize !== null ? { 'recur.head': head } : {}),
    ...(model.config.kind === 'lm' ? { 'recur.embedding': embedding } : {}),
  });
  if (options.path !== undefined) await atomicWriteFile(options.path, bytes);
  return bytes;
}

/**
 * Decodes a PyTorch safetensors file (bytes, or a path under Node) into a recur config and state dict,
 * using the file's recur metadata (if any) for defaults that explicit options override.
 */
export async function fromTorchSafetensors(source: Uint8Array | string, options: Omit<TorchSafetensorsImportOptions, 'backend' | 'seed'> = {}): Promise<TorchImport> {
  const file = typeof source === 'string' ? source : undefined;
  const bytes = typeof source === 'string' ? await readFileBytes(source) : source;
  const { tensors, metadata } = decodeSafetensors(bytes, file !== undefined ? { file } : {});
  let saved: ModelConfig | undefined;
  const json = metadata['recur.config'];
  if (json !== undefined) {
    try {
      saved = validateModelConfig(JSON.parse(json) as ModelConfig);
    } catch (cause) {
      throw new ModelFormatError(`metadata "recur.config" is not a valid model config: ${(cause as Error).message}`, {
        ...(file !== undefined ? { file } : {}),
        cause,
      });
    }
  }
  const cell = options.cell ?? saved?.cell;
  if (cell === undefined) {
    throw new ModelFormatError(
      "pass options.cell ('lstm', 'gru', 'rnn-tanh' or 'rnn-relu'): PyTorch weights do not record the module class or an nn.RNN's nonlinearity.",
      file !== undefined ? { file } : undefined,
    );
  }
  const pick = <T>(explicit: T | undefined, meta: string | undefined): T | undefined => (explicit !== undefined ? explicit : (meta as T | undefined));
  const prefix = pick(options.prefix, metadata['recur.prefix']);
  const head = pick(options.head, metadata['recur.head']);
  const embedding = pick(options.embedding, metadata['recur.embedding']);
  const kind = options.kind ?? saved?.kind;
  const headActivation = options.headActivation ?? saved?.headActivation;
  const dropout = options.dropout ?? saved?.dropout;
  const init = options.init ?? saved?.init;
  try {
    return fromTorchStateDict(tensors, {
      cell,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(head !== undefined ? { head } : {}),
      ...(embedding !== undefined ? { embedding } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(headActivation !== undefined ? { headActivation } : {}),
      ...(dropout !== undefined ? { dropout } : {}),
      ...(init !== undefined ? { init } : {}),
      ...(options.allowUnused !== undefined ? { allowUnused: options.allowUnused } : {}),
    });
  } catch (e) {
    if (e instanceof ModelFormatError && file !== undefined && e.file === undefined) {
      throw new ModelFormatError(e.message, { file, cause: e });
    }
    throw e;
  }
}

/**
 * Builds a recur model from a PyTorch safetensors file (bytes, or a path under Node): infers the
 * architecture with {@link fromTorchStateDict}, creates the model and loads the weights.
 */
export async function importTorchSafetensors(source: Uint8Array | string, options: TorchSafetensorsImportOptions = {}): Promise<Model> {
  const { config, stateDict } = await fromTorchSafetensors(source, options);
  const backend = options.backend === undefined ? undefined : await resolveBackend(options.backend);
  const model = createModel(config, { ...(backend ? { backend } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  try {
    model.loadStateDict(stateDict);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
