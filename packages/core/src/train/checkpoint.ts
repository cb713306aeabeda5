/**
 * Training checkpoints: everything needed to continue a `fit` exactly where it stopped: weights,
 * optimizer state and step, the model PRNG state, schedule state, the data position (epoch, batch,
 * truncated-BPTT chunk, batch order), the carried recurrent state and the early-stopping record.
 *
 * On disk a checkpoint is one safetensors file (F32 tensors) whose `__metadata__` holds
 * `format: "recur-checkpoint"`, `version: "1"` and the JSON of the non-tensor fields. Tensors are
 * named `model/<param>`, `optim/<param>.<i>`, `carry/h`, `carry/c` and `best/<param>`.
 * Values are float32, so resuming is bit-exact on float32 backends.
 */
import { describeSchemaIssue, InvalidArgumentError } from '@recur/backend';
import { z } from 'zod';
import { parameterShapes, validateModelConfig, type ModelConfig, type ModelConfigInput } from '../model/config.js';
import { storedModelConfigSchema } from '../model/config-schema.js';
import type { NamedTensor, StateDict } from '../model/model.js';
import { atomicWriteFile, CheckpointError, decodeSafetensors, encodeSafetensors, formatShape, MAX_TENSOR_FILE_BYTES, readFileBytes, type TensorDict } from '../persistence/index.js';
import type { OptimizerConfig, OptimizerState } from './optimizer.js';
import type { ScheduleState } from './schedules.js';

/** One epoch's summary. */
export interface EpochLog {
  readonly epoch: number;
  /** Mean training loss over the epoch's steps (weighted by real rows). */
  readonly loss: number;
  /** Validation loss, when validation data was given. */
  readonly valLoss: number | null;
  /** Learning rate at the end of the epoch. */
  readonly lr: number;
}

/** Where in the data the next step starts. */
export interface DataPosition {
  readonly epoch: number;
  /** Index into `order` of the next batch. */
  readonly index: number;
  /** Next truncated-BPTT chunk of that batch. */
  readonly chunk: number;
  /** The epoch's batch order. */
  readonly order: readonly number[];
}

/** A complete training checkpoint. */
export interface Checkpoint {
  readonly version: 1;
  readonly config: ModelConfig;
  /** Optimizer steps completed. */
  readonly step: number;
  readonly weights: StateDict;
  readonly optimizer: OptimizerState;
  readonly rng: readonly number[];
  readonly schedule: ScheduleState | null;
  readonly position: DataPosition;
  /** Running sums of the current epoch's training loss. */
  readonly epochLoss: { readonly sum: number; readonly weight: number };
  /** Recurrent state carried to the next truncated-BPTT chunk. */
  readonly carried: { readonly h: NamedTensor; readonly c: NamedTensor | null } | null;
  readonly history: readonly EpochLog[];
  readonly earlyStopping: { readonly best: number | null; readonly bestEpoch: number; readonly wait: number; readonly bestWeights: StateDict | null };
}

interface CheckpointMeta {
  version: 1;
  config: ModelConfig;
  step: number;
  optimizer: { config: OptimizerConfig; step: number; lr: number };
  rng: number[];
  schedule: ScheduleState | null;
  position: DataPosition;
  epochLoss: { sum: number; weight: number };
  hasCarried: boolean;
  history: EpochLog[];
  earlyStopping: { best: number | null; bestEpoch: number; wait: number; hasBest: boolean };
}

/** Serialise a checkpoint to safetensors bytes. */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const tensors: TensorDict = {};
  for (const [k, v] of Object.entries(ckpt.weights)) tensors[`model/${k}`] = { shape: [...v.shape], data: v.data };
  for (const [k, v] of Object.entries(ckpt.optimizer.buffers)) tensors[`optim/${k}`] = { shape: [...v.shape], data: v.data };
  if (ckpt.carried) {
    tensors['carry/h'] = { shape: [...ckpt.carried.h.shape], data: ckpt.carried.h.data };
    if (ckpt.carried.c) tensors['carry/c'] = { shape: [...ckpt.carried.c.shape], data: ckpt.carried.c.data };
  }
  if (ckpt.earlyStopping.bestWeights) {
    for (const [k, v] of Object.entries(ckpt.earlyStopping.bestWeights)) tensors[`best/${k}`] = { shape: [...v.shape], data: v.data };
  }
  const meta: CheckpointMeta = {
    version: 1,
    config: ckpt.config,
    step: ckpt.step,
    optimizer: { config: ckpt.optimizer.config, step: ckpt.optimizer.step, lr: ckpt.optimizer.lr },
    rng: [...ckpt.rng],
    schedule: ckpt.schedule,
    position: ckpt.position,
    epochLoss: ckpt.epochLoss,
    hasCarried: ckpt.carried !== null,
    history: [...ckpt.history],
    earlyStopping: { best: ckpt.earlyStopping.best, bestEpoch: ckpt.earlyStopping.bestEpoch, wait: ckpt.earlyStopping.wait, hasBest: ckpt.earlyStopping.bestWeights !== null },
  };
  return encodeSafetensors(tensors, { format: 'recur-checkpoint', version: '1', checkpoint: JSON.stringify(meta) });
}

/** `format` of a checkpoint's `__metadata__`. */
export const CHECKPOINT_FORMAT = 'recur-checkpoint';

const int0 = (what = 'a non-negative integer') => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(0, { error: `expected ${what}` });
const finite = (what = 'a finite number') => z.number({ error: `expected ${what}` }).refine(Number.isFinite, { error: `expected ${what}` });

/** zod schema of the JSON in a checkpoint's `__metadata__.checkpoint` (see {@link CheckpointMeta}). */
const checkpointMetaSchema = z.object(
  {
    version: z.literal(1, { error: 'expected 1' }),
    config: storedModelConfigSchema,
    step: int0(),
    optimizer: z.object({
      config: z.looseObject({
        kind: z.enum(['sgd', 'adam', 'adamw', 'rmsprop'], { error: "expected 'sgd', 'adam', 'adamw' or 'rmsprop'" }),
        lr: finite('a positive number').refine((v) => v > 0, { error: 'expected a positive number' }),
      }),
      step: int0(),
      lr: finite('a non-negative number').refine((v) => v >= 0, { error: 'expected a non-negative number' }),
    }),
    rng: z.array(int0('a 32-bit unsigned integer').max(0xffffffff, { error: 'expected a 32-bit unsigned integer' })).length(4, { error: 'expected 4 integers (the xoshiro128** state)' }),
    schedule: z
      .object({ n: int0(), lr: finite(), best: finite().nullable(), badEpochs: int0(), cooldownLeft: int0() })
      .nullable(),
    position: z.object({
      epoch: int0(),
      index: int0(),
      chunk: int0(),
      // The epoch's batch order: a permutation of 0..n−1 (n batches), as fit makes it.
      order: z
        .array(int0(), { error: 'expected an array of batch indices' })
        .max(100_000_000, { error: 'expected at most 10^8 batches' })
        .refine((o) => o.every((v) => v < o.length) && new Set(o).size === o.length, { error: 'expected a permutation of 0..n-1 (each batch index once)' }),
    }),
    epochLoss: z.object({ sum: finite(), weight: finite('a non-negative number').refine((v) => v >= 0, { error: 'expected a non-negative number' }) }),
    hasCarried: z.boolean({ error: 'expected true or false' }),
    history: z.array(z.object({ epoch: int0(), loss: finite(), valLoss: finite().nullable(), lr: finite() }), { error: 'expected an array of epoch logs' }),
    earlyStopping: z.object({
      best: finite().nullable(),
      bestEpoch: z.number({ error: 'expected an integer ≥ -1' }).int({ error: 'expected an integer ≥ -1' }).min(-1, { error: 'expected an integer ≥ -1' }),
      wait: int0(),
      hasBest: z.boolean({ error: 'expected true or false' }),
    }),
  },
  { error: 'expected a JSON object' },
);

/**
 * Parse bytes written by {@link encodeCheckpoint}, validating everything before it is used: the
 * safetensors container, the metadata (format, version, then a schema for every field), the model
 * config (with its size limits), and every tensor against the config (weights, optimizer buffers,
 * best weights, carried state).
 *
 * @throws {CheckpointError} naming the file, and the field or tensor at fault.
 */
export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  const fail = (message: string, field?: string, cause?: unknown): never => {
    throw new CheckpointError(file, `${message} Delete the checkpoint (or the run directory) and start a new run.`, { ...(field !== undefined ? { field } : {}), cause });
  };
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(bytes, { file });
  } catch (cause) {
    const msg = (cause as Error).message;
    return fail(`is not a readable checkpoint: ${msg.startsWith(`${file}: `) ? msg.slice(file.length + 2) : msg}`, undefined, cause);
  }
  const { tensors, metadata } = decoded;
  if (metadata.format !== CHECKPOINT_FORMAT || metadata.version !== '1' || typeof metadata.checkpoint !== 'string') {
    fail(
      `is not a recur training checkpoint (version 1): __metadata__ has format ${JSON.stringify(metadata.format)}, version ${JSON.stringify(metadata.version)}; write checkpoints with fit({ checkpoint }) or saveCheckpoint().`,
      '__metadata__.format',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(metadata.checkpoint!);
  } catch (cause) {
    return fail(`__metadata__.checkpoint is not valid JSON (${(cause as Error).message}); the file is corrupted.`, '__metadata__.checkpoint', cause);
  }
  const parsed = checkpointMetaSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const { field, text } = describeSchemaIssue(parsed.error.issues[0]!);
    return fail(`metadata ${text}.`, field);
  }
  const meta = parsed.data;
  let config: ModelConfig;
  try {
    config = validateModelConfig(meta.config as ModelConfigInput);
  } catch (cause) {
    return fail(`metadata "config" is not a valid model config: ${(cause as Error).message}`, cause instanceof InvalidArgumentError ? cause.argument : 'config', cause);
  }
  if (meta.position.index > meta.position.order.length) {
    fail(`metadata field "position.index" is ${meta.position.index}, past the end of position.order (${meta.position.order.length} batches).`, 'position.index');
  }
  const shapes = parameterShapes(config);
  const pick = (prefix: string, required: boolean): StateDict => {
    const out: StateDict = {};
    for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = { shape: [...v.shape], data: v.data };
    if (!required && Object.keys(out).length === 0) return out;
    for (const [name, shape] of Object.entries(shapes)) {
      const t = out[name];
      if (t === undefined) fail(`has no tensor "${prefix}${name}", which its config requires.`, `${prefix}${name}`);
      else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        fail(`tensor "${prefix}${name}" has shape ${formatShape(t.shape)}; its config needs ${formatShape(shape)}.`, `${prefix}${name}`);
      }
    }
    for (const name of Object.keys(out)) if (!(name in shapes)) fail(`has a tensor "${prefix}${name}" its config does not describe.`, `${prefix}${name}`);
    return out;
  };
  const weights = pick('model/', true);
  const best = meta.earlyStopping.hasBest ? pick('best/', true) : null;
  const buffers: StateDict = {};
  for (const [k, v] of Object.entries(tensors)) {
    if (!k.startsWith('optim/')) continue;
    const name = k.slice('optim/'.length);
    const param = name.replace(/\.\d+$/, '');
    const shape = shapes[param];
    if (shape === undefined || param === name) fail(`has an optimizer buffer "${k}" for no parameter of its config.`, k);
    else if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
      fail(`optimizer buffer "${k}" has shape ${formatShape(v.shape)}; its parameter has ${formatShape(shape)}.`, k);
    }
    buffers[name] = { shape: [...v.shape], data: v.data };
  }
  const carryH = tensors['carry/h'];
  const carryC = tensors['carry/c'];
  let carried: Checkpoint['carried'] = null;
  if (meta.hasCarried) {
    // Carried state: h (and c for an LSTM) [L·D, B, H].
    const LD = config.numLayers * (config.bidirectional ? 2 : 1);
    const ok = (t: NamedTensor | undefined): boolean => t !== undefined && t.shape.length === 3 && t.shape[0] === LD && t.shape[2] === config.hiddenSize && (t.shape[1] ?? 0) >= 1;
    if (!ok(carryH)) fail(`metadata says a recurrent state is carried, but tensor "carry/h" is ${carryH ? `shaped ${formatShape(carryH.shape)}` : 'missing'}; expected [${LD}, B, ${config.hiddenSize}].`, 'carry/h');
    if (config.cell === 'lstm' && (!ok(carryC) || carryC!.shape[1] !== carryH!.shape[1])) fail(`an LSTM carries a cell state, but tensor "carry/c" is ${carryC ? `shaped ${formatShape(carryC.shape)}` : 'missing'}.`, 'carry/c');
    carried = { h: carryH!, c: config.cell === 'lstm' ? carryC! : null };
  }
  for (const k of Object.keys(tensors)) {
    if (!/^(model|best|optim)\//.test(k) && k !== 'carry/h' && k !== 'carry/c') fail(`has a tensor "${k}" that is not part of a recur checkpoint.`, k);
  }
  return {
    version: 1,
    config,
    step: meta.step,
    weights,
    optimizer: { config: meta.optimizer.config as unknown as OptimizerConfig, step: meta.optimizer.step, lr: meta.optimizer.lr, buffers },
    rng: meta.rng,
    schedule: meta.schedule,
    position: meta.position,
    epochLoss: meta.epochLoss,
    carried,
    history: meta.history,
    earlyStopping: { best: meta.earlyStopping.best, bestEpoch: meta.earlyStopping.bestEpoch, wait: meta.earlyStopping.wait, bestWeights: best },
  };
}

/** Write a checkpoint atomically (temporary file, then rename). Node only. */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  await atomicWriteFile(path, encodeCheckpoint(ckpt));
}

/** Read a checkpoint written by {@link saveCheckpoint}. Node only. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readFileBytes(path, { maxBytes: MAX_TENSOR_FILE_BYTES, limitName: 'MAX_TENSOR_FILE_BYTES', what: 'a checkpoint' }), path);
}
