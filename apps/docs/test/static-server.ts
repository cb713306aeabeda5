/**
 * The browser tests serve the built site with the same cross-origin isolated server that
 * `pnpm --filter @recur/docs preview` runs (scripts/serve-isolated.mjs).
 */
export { fileForPath, serveStatic, ISOLATION_HEADERS, type StaticServer } from '../scripts/serve-isolated.mjs';
