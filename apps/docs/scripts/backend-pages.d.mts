import type { BackendPackageInfo, BackendVariantInfo, Capabilities, CapabilityDeclaration } from '@recur/backend';
/** The bench rows measured for registry name `name`. */
export function rowsFor(report: unknown, name: string): { workload: string; contender: string; timing: { medianMs: number } }[];
/** Page slug of a variant (its registry name). */
export function pageSlug(variant: BackendVariantInfo): string;
/** One backend's page. */
export function renderBackendPage(info: BackendPackageInfo, variant: BackendVariantInfo, normalize: (d: CapabilityDeclaration) => Capabilities, report: unknown, reportFile: string | null): string;
/** The table "Choosing a backend" includes. */
export function renderBackendTable(infos: readonly BackendPackageInfo[], normalize: (d: CapabilityDeclaration) => Capabilities, report: unknown): string;
