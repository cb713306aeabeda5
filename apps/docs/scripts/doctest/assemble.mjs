// Turns one program (a page's blocks, in order) into a single ES module:
//   - the blocks' import declarations are hoisted and merged (a page imports `fit` in two places:
//     the module imports it once; the same local name from two different modules is an error);
//   - `@recur/*` and `@example/*` specifiers point at the workspace packages' BUILT entry points
//     (`dist/`), so the samples run against what is published, not against the sources;
//   - the rest of each block keeps its lines, so a line of the generated file maps back to a line
//     of the page (the `lineMap`), and TypeScript's transpile keeps a source map for the stack.
import ts from 'typescript';
import { pathToFileURL } from 'node:url';

/**
 * @param {{ code: string, line: number, kind: string }[]} program
 * @param {string} file the page, for messages
 * @param {(specifier: string) => string | undefined} resolveWorkspace maps a workspace package
 *   specifier to the absolute path of its built entry (undefined: leave the specifier alone)
 * @returns {{ source: string, js: string, lineMap: ({ file: string, line: number } | null)[] }}
 *   `lineMap[i]` is the page line of generated line i+1 (null for lines the assembler added).
 */
export function assembleProgram(program, file, resolveWorkspace) {
  const header = [];
  const headerMap = [];
  const body = [];
  const bodyMap = [];
  /** local name -> { from, imported, line } */
  const locals = new Map();
  for (const block of program) {
    const sf = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const cut = []; // [start, end) ranges of import declarations, blanked in the body
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st)) continue;
      cut.push([st.getStart(sf), st.getEnd()]);
      const line = block.line + sf.getLineAndCharacterOfPosition(st.getStart(sf)).line;
      const spec = st.moduleSpecifier.text;
      const target = resolveWorkspace(spec);
      const from = target ? pathToFileURL(target).href : spec;
      const clause = st.importClause;
      if (!clause) {
        header.push(`import ${JSON.stringify(from)};`);
        headerMap.push({ file, line });
        continue;
      }
      if (clause.isTypeOnly) continue;
      const parts = [];
      const claim = (local, imported, text) => {
        const prev = locals.get(local);
        if (prev) {
          if (prev.from === spec && prev.imported === imported) return;
          throw new Error(`${file}:${line}: "${local}" is imported from "${spec}" here and from "${prev.from}" at line ${prev.line}; rename one.`);
        }
        locals.set(local, { from: spec, imported, line });
        parts.push(text);
      };
      if (clause.name) claim(clause.name.text, 'default', `default as ${clause.name.text}`);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        const local = nb.name.text;
        if (!locals.has(local)) {
          locals.set(local, { from: spec, imported: '*', line });
          header.push(`import * as ${local} from ${JSON.stringify(from)};`);
          headerMap.push({ file, line });
        } else claim(local, '*', '');
      } else if (nb) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          const imported = (el.propertyName ?? el.name).text;
          const local = el.name.text;
          claim(local, imported, imported === local ? local : `${imported} as ${local}`);
        }
      }
      const named = parts.filter(Boolean);
      if (named.length) {
        header.push(`import { ${named.join(', ')} } from ${JSON.stringify(from)};`);
        headerMap.push({ file, line });
      }
    }
    // Blank the imports but keep every newline, so the block's lines stay where they were.
    let code = block.code;
    for (const [s, e] of cut.reverse()) code = code.slice(0, s) + code.slice(s, e).replace(/[^\n]/g, ' ') + code.slice(e);
    const lines = code.split('\n');
    body.push(`globalThis.__doctestAt = ${JSON.stringify(`${file}:${block.line}`)};`);
    bodyMap.push(null);
    lines.forEach((l, k) => {
      body.push(l);
      bodyMap.push({ file, line: block.line + k });
    });
  }
  const source = [...header, ...body, 'export {};', ''].join('\n');
  const lineMap = [...headerMap, ...bodyMap, null];
  const out = ts.transpileModule(source, {
    fileName: 'doctest.ts',
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  const syntax = (out.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax) {
    const at = syntax.start !== undefined ? lineMap[syntax.file.getLineAndCharacterOfPosition(syntax.start).line] : null;
    throw new Error(`${at ? `${at.file}:${at.line}` : file}: ${ts.flattenDiagnosticMessageText(syntax.messageText, '\n')}`);
  }
  return { source, js: out.outputText, lineMap };
}
