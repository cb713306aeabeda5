/**
 * zod schemas of the JSON that @recur/data saves and loads: scalers, vocabularies, tokenizers.
 * Loading checks a document against its schema before anything is built from it; the first problem
 * becomes a {@link SavedFormatError} naming the field and what was expected.
 */
import { describeSchemaIssue } from '@recur/backend';
import { z } from 'zod';
import { SavedFormatError } from './errors';

/** Largest finite float32: scaler values beyond it would turn float32 data into ±Infinity. */
const F32_MAX = 3.4028234663852886e38;
/** Smallest positive normal float32: a smaller scale would overflow float32 when dividing. */
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/** Largest vocabulary recur loads (the limit is named in the error). */
export const MAX_VOCABULARY_SIZE = 4_194_304;
/** Most columns a saved scaler may have. */
export const MAX_SCALER_COLUMNS = 1_048_576;

const f32 = z
  .number({ error: 'expected a finite number' })
  .refine((v) => Number.isFinite(v) && Math.abs(v) <= F32_MAX, { error: `expected a finite number within the float32 range (|x| ≤ ${F32_MAX})` });
const positiveF32 = z
  .number({ error: 'expected a positive number' })
  .refine((v) => v >= F32_MIN_NORMAL && v <= F32_MAX, { error: `expected a positive float32 number (between ${F32_MIN_NORMAL} and ${F32_MAX})` });
const range = z.tuple([z.number().refine(Number.isFinite, { error: 'expected a finite number' }), z.number().refine(Number.isFinite, { error: 'expected a finite number' })], {
  error: 'expected [lo, hi]',
});

/** Schema of {@link ScalerJSON}, with its cross-checks (lengths agree, names unique, ranges ordered). */
export const scalerJsonSchema = z
  .object(
    {
      format: z.literal('recur-scaler', { error: 'expected "recur-scaler"' }),
      version: z.literal(1, { error: 'expected 1' }),
      kind: z.enum(['standard', 'minmax', 'robust'], { error: "expected 'standard', 'minmax' or 'robust'" }),
      columns: z
        .array(z.string({ error: 'expected a column name' }).min(1, { error: 'expected a non-empty column name' }), { error: 'expected an array of column names' })
        .min(1, { error: 'expected at least one column' })
        .max(MAX_SCALER_COLUMNS, { error: `expected at most MAX_SCALER_COLUMNS = ${MAX_SCALER_COLUMNS} columns` })
        .refine((c) => new Set(c).size === c.length, { error: 'expected unique column names' }),
      center: z.array(f32, { error: 'expected an array of numbers' }),
      scale: z.array(positiveF32, { error: 'expected an array of positive numbers' }),
      offset: f32,
      featureRange: range.optional(),
      quantileRange: range.optional(),
      fittedOn: z.object(
        {
          role: z.string({ error: 'expected a role name' }),
          rows: z.tuple([z.number().int().min(0), z.number().int().min(0)], { error: 'expected [first, end) row numbers' }),
        },
        { error: 'expected { role, rows }' },
      ),
    },
    { error: 'expected a JSON object' },
  )
  .superRefine((j, ctx) => {
    if (j.center.length !== j.columns.length) ctx.addIssue({ code: 'custom', path: ['center'], message: `expected ${j.columns.length} values, one per column`, input: j.center.length });
    if (j.scale.length !== j.columns.length) ctx.addIssue({ code: 'custom', path: ['scale'], message: `expected ${j.columns.length} values, one per column`, input: j.scale.length });
    for (const key of ['featureRange', 'quantileRange'] as const) {
      const r = j[key];
      if (r !== undefined && !(r[0] < r[1])) ctx.addIssue({ code: 'custom', path: [key], message: 'expected [lo, hi] with lo < hi', input: r });
    }
    if (j.quantileRange !== undefined && !(j.quantileRange[0] >= 0 && j.quantileRange[1] <= 100)) {
      ctx.addIssue({ code: 'custom', path: ['quantileRange'], message: 'expected percentages in [0, 100]', input: j.quantileRange });
    }
  });

/** Schema of {@link VocabularyJSON}. */
export const vocabularyJsonSchema = z
  .object(
    {
      format: z.literal('recur-vocabulary', { error: 'expected "recur-vocabulary"' }),
      version: z.literal(1, { error: 'expected 1' }),
      tokens: z
        .array(z.string({ error: 'expected a token string' }), { error: 'expected an array of token strings' })
        .min(1, { error: 'expected at least one token' })
        .max(MAX_VOCABULARY_SIZE, { error: `expected at most MAX_VOCABULARY_SIZE = ${MAX_VOCABULARY_SIZE} tokens` })
        .refine((t) => new Set(t).size === t.length, { error: 'expected unique tokens' }),
      unkToken: z.string({ error: 'expected a token or null' }).nullable().optional(),
    },
    { error: 'expected a JSON object' },
  )
  .superRefine((j, ctx) => {
    if (j.unkToken != null && !j.tokens.includes(j.unkToken)) ctx.addIssue({ code: 'custom', path: ['unkToken'], message: 'expected one of the tokens', input: j.unkToken });
  });

/** Schema of {@link TokenizerJSON}. */
export const tokenizerJsonSchema = z.object(
  {
    format: z.literal('recur-tokenizer', { error: 'expected "recur-tokenizer"' }),
    version: z.literal(1, { error: 'expected 1' }),
    kind: z.enum(['char', 'word'], { error: "expected 'char' or 'word'" }),
    lowercase: z.boolean({ error: 'expected true or false' }).optional(),
    vocabulary: vocabularyJsonSchema,
  },
  { error: 'expected a JSON object' },
);

/**
 * Checks `json` against `schema`, returning the typed document.
 *
 * @throws {SavedFormatError} naming `what`, the field and what was expected.
 */
export function parseSaved<T>(schema: z.ZodType<T>, json: unknown, what: string, hint: string): T {
  const r = schema.safeParse(json, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const { field, text } = describeSchemaIssue(issue);
  const notOurs = issue.path.length <= 1 && (issue.path[0] === undefined || issue.path[0] === 'format');
  throw new SavedFormatError(field, notOurs ? `Not a saved recur ${what}: ${text}. ${hint}` : `Saved ${what} is malformed: ${text}.`);
}
