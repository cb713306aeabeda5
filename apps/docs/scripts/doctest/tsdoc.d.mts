/** The `@example` blocks of one source file's TSDoc, with the line of their first code line. */
export function tsdocExamples(source: string): { code: string; line: number; title: string }[];
/** Import lines for the names `code` uses from each module's value exports (first module wins). */
export function autoImports(code: string, exports: readonly (readonly [string, readonly string[]])[]): string;
