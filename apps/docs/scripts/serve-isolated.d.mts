import type { Server } from 'node:http';

/** The cross-origin isolation headers every response carries. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>>;

/** The file a URL path maps to inside `root`, or null when there is none. */
export function fileForPath(root: string, urlPath: string): string | null;

/** A running server and its origin. */
export interface StaticServer {
  readonly origin: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serve `root` cross-origin isolated on `host:port` (port 0: a free one). */
export function serveStatic(root: string, options?: { port?: number; host?: string }): Promise<StaticServer>;
