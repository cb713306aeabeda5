/**
 * Error classification for the CLI: user errors (bad flags, bad data, missing files, corrupted
 * models, unavailable backends) exit with code 1 and one line; anything else is an internal error
 * (exit code 2, short message, stack only with --debug).
 */
import { RecurError } from '@recur/backend';
import { RecurDataError } from '@recur/data';

/** Exit codes of the `recur` command. */
export const EXIT = Object.freeze({ ok: 0, user: 1, internal: 2 });

/** A mistake in how the command was called or in its inputs. Exit code 1. */
export class CliUserError extends RecurError {
  constructor(message: string) {
    super('E_CLI_USAGE', message);
    this.name = 'CliUserError';
  }
}

/** What the CLI prints for an error, and the exit code. */
export interface ClassifiedError {
  readonly exitCode: 1 | 2;
  /** One line, no stack. */
  readonly message: string;
  /** Stable code (`E_…` from recur, data error codes, or `E_INTERNAL`). */
  readonly code: string;
}

/** Collapse whitespace and newlines so a message is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function isDataError(e: unknown): e is RecurDataError {
  if (e instanceof RecurDataError) return true;
  // A second copy of @recur/data (e.g. CJS next to ESM) would fail instanceof: match by shape.
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'row' in e && 'column' in e && 'line' in e;
}

/** Map any thrown value to a message and an exit code. */
export function classifyError(e: unknown): ClassifiedError {
  if (e instanceof CliUserError) return { exitCode: 1, message: oneLine(e.message), code: e.code };
  // Before RecurError: data errors are RecurErrors too, and carry their own flag wording.
  if (isDataError(e)) {
    // @recur/data names its API option; on the command line it is the --missing flag.
    const message = oneLine(e.message).replace('(missing: "ffill" | "interpolate")', '(recur train --missing ffill|interpolate)');
    return { exitCode: 1, message, code: String(e.code) };
  }
  if (e instanceof RecurError) {
    let message = oneLine(e.message);
    // The library names its API options; on the command line they are flags.
    if (e.code === 'E_NON_FINITE') {
      message = message
        .replace('enable clipNorm / clipValue', 'set --clip (gradient-norm clipping, e.g. --clip 1)')
        .replace('enable clipNorm', 'set --clip (gradient-norm clipping, e.g. --clip 1)')
        .replace('enable gradient clipping', 'set --clip (e.g. --clip 1)')
        .replace(/lower the learning rate/i, (m) => `${m} (--lr)`);
    }
    return { exitCode: 1, message, code: e.code };
  }
  const err = e as { code?: unknown; message?: unknown; path?: unknown } | null;
  // Node file-system errors on paths the user gave.
  if (err && typeof err.code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EROFS', 'ENOSPC'].includes(err.code)) {
    const path = typeof err.path === 'string' ? err.path : '';
    const what = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.code.toLowerCase();
    return { exitCode: 1, message: `${path ? `${path}: ` : ''}${what}.`, code: err.code };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { exitCode: 2, message: `internal error: ${oneLine(message)} (run again with --debug for the stack trace)`, code: 'E_INTERNAL' };
}
