/**
 * The zod schema of a stored {@link ModelConfig} (the `config` of config.json and of a checkpoint's
 * metadata): types, ranges and the size limits of {@link MODEL_LIMITS}, checked before anything is
 * allocated. Cross-field rules (an lm's sizes, forgetBias only on an LSTM…) stay in
 * {@link validateModelConfig}, which runs after this.
 */
import { CELL_KINDS } from '@recur/backend';
import { z } from 'zod';
import { MODEL_LIMITS } from './config.js';

const size = (limit: keyof typeof MODEL_LIMITS) =>
  z
    .number({ error: 'expected a positive integer' })
    .int({ error: 'expected a positive integer' })
    .min(1, { error: 'expected a positive integer' })
    .max(MODEL_LIMITS[limit], { error: `expected at most MODEL_LIMITS.${limit} = ${MODEL_LIMITS[limit]}` });

/** Schema of a stored model config (every field recur writes; unknown fields are ignored). */
export const storedModelConfigSchema = z.object({
  kind: z.enum(['seq2one', 'seq2seq', 'lm'], { error: "expected 'seq2one', 'seq2seq' or 'lm'" }),
  cell: z.enum(CELL_KINDS as unknown as [string, ...string[]], { error: `expected one of ${CELL_KINDS.join(', ')}` }),
  inputSize: size('maxInputSize'),
  hiddenSize: size('maxHiddenSize'),
  numLayers: size('maxNumLayers'),
  bidirectional: z.boolean({ error: 'expected true or false' }),
  dropout: z.number({ error: 'expected a probability in [0, 1)' }).min(0, { error: 'expected a probability in [0, 1)' }).lt(1, { error: 'expected a probability in [0, 1)' }),
  bias: z.boolean({ error: 'expected true or false' }),
  outputSize: size('maxOutputSize').nullable(),
  headActivation: z.enum(['identity', 'tanh', 'sigmoid', 'relu'], { error: "expected 'identity', 'tanh', 'sigmoid' or 'relu'" }),
  vocabSize: size('maxVocabSize').nullable().optional(),
  embeddingDim: size('maxInputSize').nullable().optional(),
  init: z
    .object({
      recurrent: z.enum(['uniform', 'orthogonal'], { error: "expected 'uniform' or 'orthogonal'" }).optional(),
      forgetBias: z.number().refine(Number.isFinite, { error: 'expected a finite number' }).nullable().optional(),
    })
    .optional(),
});
