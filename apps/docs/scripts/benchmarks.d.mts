/** The benchmarks page from a `pnpm bench` report (null: none found). */
export function renderBenchmarks(report: unknown, file: string | null, count?: number): string;
