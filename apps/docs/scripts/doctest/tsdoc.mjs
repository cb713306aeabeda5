// The `@example` blocks of the published packages' TSDoc: TypeDoc puts them on the API pages as
// code blocks, so they run too. Each example is its own program; the names it uses from its own
// package (and from @recur/backend) are imported for it, as a reader of the API page would.

/**
 * The examples of one source file.
 * @param {string} source the file's text
 * @returns {{ code: string, line: number, title: string }[]} `line`: the first code line (1-based)
 */
export function tsdocExamples(source) {
  const lines = source.split('\n');
  const out = [];
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (/^\s*\/\*\*/.test(text)) inComment = true;
    if (!inComment) continue;
    const tag = /^\s*\*\s*@example\b\s*(.*)$/.exec(text);
    if (tag) {
      const body = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        if (/\*\//.test(lines[j])) break;
        const content = lines[j].replace(/^\s*\*( |$)/, '');
        if (/^@\w/.test(content)) break;
        body.push(content);
      }
      let first = i + 2;
      let code = body;
      while (code.length && code[0].trim() === '') {
        code = code.slice(1);
        first++;
      }
      if (code.length && /^\s*(```|~~~)/.test(code[0])) {
        code = code.slice(1);
        first++;
      }
      const close = code.findIndex((l) => /^\s*(```|~~~)\s*$/.test(l));
      if (close >= 0) code = code.slice(0, close);
      while (code.length && code.at(-1).trim() === '') code = code.slice(0, -1);
      if (code.length) out.push({ code: code.join('\n'), line: first, title: tag[1].trim() });
      i = j - 1;
    }
    if (/\*\//.test(text)) inComment = false;
  }
  return out;
}

/**
 * An import line for the names `code` uses from `exports` (module name → its value export names),
 * first module first; names the code imports or declares itself are left out.
 */
export function autoImports(code, exports) {
  const taken = new Set();
  for (const m of code.matchAll(/\bimport\s*\{([^}]*)\}/g)) for (const n of m[1].split(',')) taken.add(n.trim().split(/\s+as\s+/).at(-1));
  for (const m of code.matchAll(/\b(?:const|let|var|function|class)\s+(\w+)/g)) taken.add(m[1]);
  const lines = [];
  for (const [module, names] of exports) {
    const used = names.filter((n) => !taken.has(n) && new RegExp(`(^|[^.\\w$])${n.replace(/\$/g, '\\$')}\\b`).test(code));
    used.forEach((n) => taken.add(n));
    if (used.length) lines.push(`import { ${used.join(', ')} } from '${module}';`);
  }
  return lines.join('\n');
}
