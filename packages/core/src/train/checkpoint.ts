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
import { InvalidArgumentError } from '@recur/backend';
import type { ModelConfig } from '../model/config.js';
import type { NamedTensor, StateDict } from '../model/model.js';
import { atomicWriteFile, decodeSafetensors, encodeSafetensors, readFileBytes, type TensorDict } from '../persistence/index.js';
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

/** Parse bytes written by {@link encodeCheckpoint}. */
export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, { file });
  if (metadata.format !== 'recur-checkpoint' || metadata.version !== '1' || typeof metadata.checkpoint !== 'string') {
    throw new InvalidArgumentError(file, 'is not a recur training checkpoint (version 1); write checkpoints with fit({ checkpoint }) or saveCheckpoint().');
  }
  const meta = JSON.parse(metadata.checkpoint) as CheckpointMeta;
  const pick = (prefix: string): StateDict => {
    const out: StateDict = {};
    for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = { shape: [...v.shape], data: v.data };
    return out;
  };
  const carryH = tensors['carry/h'];
  const carryC = tensors['carry/c'];
  return {
    version: 1,
    config: meta.config,
    step: meta.step,
    weights: pick('model/'),
    optimizer: { ...meta.optimizer, buffers: pick('optim/') },
    rng: meta.rng,
    schedule: meta.schedule,
    position: meta.position,
    epochLoss: meta.epochLoss,
    carried: meta.hasCarried && carryH ? { h: carryH, c: carryC ?? null } : null,
    history: meta.history,
    earlyStopping: { best: meta.earlyStopping.best, bestEpoch: meta.earlyStopping.bestEpoch, wait: meta.earlyStopping.wait, bestWeights: meta.earlyStopping.hasBest ? pick('best/') : null },
  };
}

/** Write a checkpoint atomically (temporary file, then rename). Node only. */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  await atomicWriteFile(path, encodeCheckpoint(ckpt));
}

/** Read a checkpoint written by {@link saveCheckpoint}. Node only. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readFileBytes(path), path);
}
