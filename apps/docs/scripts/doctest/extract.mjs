// Extracts the TypeScript/JavaScript code blocks of one Markdown page, with the markers that say
// how each is treated. The markers are HTML comments, so they render invisibly on the site and on
// GitHub:
//
//   <!-- doctest: fragment: REASON -->   the next block is not run; REASON is required
//   <!-- doctest: reset -->              the next block starts a new program (nothing carried over)
//   <!-- doctest: setup                  hidden code, run before the blocks that follow it
//   import { createCpuBackend } from '@recur/backend-cpu';
//   const backend = createCpuBackend();
//   -->
//
// Every other TS/JS block is a sample. A page's samples run in order as one program (a reader who
// pastes them top to bottom gets what the test ran), split where a block is marked `reset`.

/** Fence info strings that mark a runnable language. */
export const SAMPLE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts']);

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)(.*)$/;
const ONE_LINE_MARKER = /^\s*<!--\s*doctest:\s*([a-z-]+)\s*(?::\s*(.*?))?\s*-->\s*$/;
const OPEN_MARKER = /^\s*<!--\s*doctest:\s*setup\s*$/;

/** A problem with the markers themselves (reported with page and line, like a failing sample). */
export class DoctestMarkupError extends Error {
  constructor(file, line, message) {
    super(`${file}:${line}: ${message}`);
    this.name = 'DoctestMarkupError';
    this.file = file;
    this.line = line;
  }
}

/**
 * Splits a page into its code blocks.
 * @param {string} markdown the page's text
 * @param {string} file the page's path, for messages
 * @returns {{ kind: 'sample' | 'setup' | 'fragment', code: string, line: number, reason?: string, reset: boolean, lang: string }[]}
 *   `line` is the 1-based line of the block's first code line in the page.
 */
export function extractBlocks(markdown, file) {
  const lines = markdown.split(/\r?\n/);
  const blocks = [];
  let pending = null; // { kind, reason?, reset, line }
  const take = () => {
    const p = pending;
    pending = null;
    return p;
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (OPEN_MARKER.test(text)) {
      const start = i + 1;
      const body = [];
      let j = i + 1;
      for (; j < lines.length && !/-->/.test(lines[j]); j++) body.push(lines[j]);
      if (j >= lines.length) throw new DoctestMarkupError(file, i + 1, 'a `doctest: setup` comment is never closed with -->.');
      if (lines[j].trim() !== '-->') throw new DoctestMarkupError(file, j + 1, 'close a `doctest: setup` comment with --> on its own line.');
      // An optional fence inside the comment (```ts ... ```) is only decoration.
      let code = body;
      let first = start + 1;
      if (code.length && FENCE.test(code[0])) {
        code = code.slice(1);
        first++;
      }
      if (code.length && /^\s*(`{3,}|~{3,})\s*$/.test(code.at(-1))) code = code.slice(0, -1);
      const reset = pending?.kind === 'reset';
      if (pending && pending.kind !== 'reset') throw new DoctestMarkupError(file, pending.line, `\`doctest: ${pending.kind}\` must be followed by a code block, not by a setup comment.`);
      pending = null;
      blocks.push({ kind: 'setup', code: code.join('\n'), line: first, reset, lang: 'ts' });
      i = j;
      continue;
    }
    const marker = ONE_LINE_MARKER.exec(text);
    if (marker) {
      const [, kind, reason] = marker;
      if (kind === 'fragment') {
        if (!reason) throw new DoctestMarkupError(file, i + 1, 'a fragment needs a reason: <!-- doctest: fragment: WHY IT CANNOT RUN -->.');
        pending = { kind, reason, reset: pending?.kind === 'reset', line: i + 1 };
      } else if (kind === 'reset') {
        pending = { kind, reset: true, line: i + 1 };
      } else {
        throw new DoctestMarkupError(file, i + 1, `unknown doctest marker "${kind}" (use fragment: REASON, reset, or a setup comment).`);
      }
      continue;
    }
    const fence = FENCE.exec(text);
    if (fence) {
      const [, indent, ticks, lang] = fence;
      const body = [];
      let j = i + 1;
      const close = new RegExp(`^\\s*${ticks[0] === '`' ? '`' : '~'}{${ticks.length},}\\s*$`);
      for (; j < lines.length && !close.test(lines[j]); j++) body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
      const language = lang.toLowerCase();
      if (SAMPLE_LANGUAGES.has(language)) {
        const p = take();
        const kind = p?.kind === 'fragment' ? 'fragment' : 'sample';
        blocks.push({ kind, code: body.join('\n'), line: i + 2, reason: p?.reason, reset: Boolean(p?.reset), lang: language });
      } else if (pending) {
        throw new DoctestMarkupError(file, pending.line, `\`doctest: ${pending.kind}\` is followed by a \`${lang || 'plain'}\` block; markers apply only to TS/JS blocks.`);
      }
      i = j;
      continue;
    }
    if (pending && text.trim() !== '') {
      throw new DoctestMarkupError(file, pending.line, `\`doctest: ${pending.kind}\` must be followed directly by a code block (only blank lines between).`);
    }
  }
  if (pending) throw new DoctestMarkupError(file, pending.line, `\`doctest: ${pending.kind}\` at the end of the page has no code block after it.`);
  return blocks;
}

/**
 * Groups a page's runnable blocks (samples and setups) into programs: a new program starts at every
 * block marked `reset`. Fragments are left out.
 */
export function programsOf(blocks) {
  const programs = [];
  let current = null;
  for (const b of blocks) {
    if (b.kind === 'fragment') continue;
    if (!current || b.reset) {
      current = [];
      programs.push(current);
    }
    current.push(b);
  }
  return programs.filter((p) => p.some((b) => b.kind === 'sample'));
}
