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
import { detectTorchLayout, type TorchLayout } from './torch-detect.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { TensorDict } from './tensor-dict.js';
import { fromTorchStateDict, renameToTorch, type TorchExportOptions, type TorchImport, type TorchImportOptions } from './torch-names.js';

/**
 * Options of {@link importTorchSafetensors}: {@link TorchImportOptions} plus where to build. `cell`,
 * `prefix` and `head` are detected when not given (see {@link detectTorchLayout}).
 */
export interface TorchSafetensorsImportOptions extends Omit<TorchImportOptions, 'cell'> {
  /**
   * The cell. Default: the file's recur metadata, else detected from the weight shapes (4·H rows
   * LSTM, 3·H GRU); an `nn.RNN` (H rows) needs `'rnn-tanh'` or `'rnn-relu'` here.
   */
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

/** What {@link fromTorchSafetensors} returns: the import, and the layout it was read with. */
export interface TorchSafetensorsImport extends TorchImport {
  /** Prefix, head and cell used, which of them were detected, and the candidates the file held. */
  layout: TorchLayout;
}

/**
 * Decodes a PyTorch safetensors file (bytes, or a path under Node) into a recur config and state dict.
 * Explicit options win, then the file's recur metadata (if any); the recurrent module's prefix
 * (`''` for a bare `nn.LSTM(...).state_dict()`), a trailing `nn.Linear` head and the cell kind are
 * otherwise detected by {@link detectTorchLayout}, which throws {@link TorchLayoutAmbiguousError}
 * (listing the candidates) when the file holds several.
 */
export async function fromTorchSafetensors(source: Uint8Array | string, options: Omit<TorchSafetensorsImportOptions, 'backend' | 'seed'> = {}): Promise<TorchSafetensorsImport> {
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
  const pick = <T>(explicit: T | undefined, meta: string | undefined): T | undefined => (explicit !== undefined ? explicit : (meta as T | undefined));
  const embedding = pick(options.embedding, metadata['recur.embedding']);
  // recur's own exports name their modules in the metadata: then nothing is guessed (no head means none).
  const metaHead = metadata['recur.head'] ?? (json !== undefined ? null : undefined);
  const layout = detectTorchLayout(
    tensors,
    {
      ...(pick(options.prefix, metadata['recur.prefix']) !== undefined ? { prefix: pick(options.prefix, metadata['recur.prefix'])! } : {}),
      ...(options.head !== undefined ? { head: options.head } : metaHead !== undefined ? { head: metaHead } : {}),
      ...((options.cell ?? saved?.cell) !== undefined ? { cell: (options.cell ?? saved?.cell)! } : {}),
      ...(embedding !== undefined ? { embedding } : {}),
    },
    file !== undefined ? { file } : {},
  );
  const { prefix, head, cell } = layout;
  const kind = options.kind ?? saved?.kind;
  const headActivation = options.headActivation ?? saved?.headActivation;
  const dropout = options.dropout ?? saved?.dropout;
  const init = options.init ?? saved?.init;
  try {
    const imported = fromTorchStateDict(tensors, {
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
    return { ...imported, layout };
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
