/**
 * Turning a schema validation failure (zod, valibot or ajv: anything with a path and a message)
 * into the field name and the one sentence recur's file-format errors print.
 */

/** One validation problem: where in the document, and what was expected. */
export interface SchemaIssue {
  /** Keys from the document root to the bad value. */
  readonly path: readonly PropertyKey[];
  /** What was expected, in words. */
  readonly message: string;
  /** The offending value, when the validator reports it. */
  readonly input?: unknown;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `a.b[0]["model.safetensors"]`: a path as it would be written in JavaScript. */
export function formatFieldPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && IDENT.test(k)) out += out.length > 0 ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out.length > 0 ? out : '(the document root)';
}

/** A short, printable rendering of a value (long strings and arrays are cut). */
export function previewValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  let text: string;
  try {
    text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The field and the sentence for the first issue: `{ field: 'config.hiddenSize',
 * text: 'field config.hiddenSize: Too big: expected number to be <=32768 (got 1000000000)' }`.
 */
export function describeSchemaIssue(issue: SchemaIssue, root = ''): { field: string; text: string } {
  const field = formatFieldPath(issue.path, root);
  const got = 'input' in issue ? ` (got ${previewValue(issue.input)})` : '';
  return { field, text: `field ${field}: ${issue.message}${got}` };
}
