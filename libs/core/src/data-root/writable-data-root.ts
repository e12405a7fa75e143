import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SpyglassError } from '../errors.js';

// Why a path cannot be written, in words, per errno. Node's recursive mkdir reports ENOENT on a
// read-only file system, so the root is created one level at a time to surface the real errno.
const REASONS: Readonly<Record<string, string>> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a file is where a directory is expected',
  EEXIST: 'a file is where a directory is expected',
  ENOSPC: 'the disk is full',
};

/**
 * Fails fast, before any request or write, when `root` cannot be written: creates it if missing,
 * then checks write access on it and on each directory of the layout that already exists. The
 * error (code STORAGE) says what (`command`), where (the path), why (read-only, permission, a file in
 * the way) and what to do, instead of a raw `ENOENT … mkdir` from deep inside a writer.
 *
 * @example
 * ```ts
 * assertWritableDataRoot('/mnt/archive', 'backfill', ['/mnt/archive/raw']);
 * // SpyglassError STORAGE: data root /mnt/archive is not writable: it is on a read-only file system (EROFS) …
 * ```
 */
export function assertWritableDataRoot(root: string, command: string, subdirs: readonly string[] = []): void {
  const absolute = resolve(root);
  for (const path of [...missingAncestors(absolute), absolute]) {
    try {
      mkdirSync(path);
    } catch (e) {
      if (errnoOf(e) === 'EEXIST' && isDirectory(path)) continue;
      throw notWritable(absolute, path, command, e);
    }
  }
  for (const path of [absolute, ...subdirs.map((d) => resolve(d)).filter(isDirectory)]) {
    try {
      accessSync(path, constants.W_OK);
    } catch (e) {
      throw notWritable(absolute, path, command, e);
    }
  }
}

/** The ancestors of `path` that do not exist yet, outermost first. */
function missingAncestors(path: string): string[] {
  const missing: string[] = [];
  for (let p = dirname(path); p !== dirname(p) && !exists(p); p = dirname(p)) missing.unshift(p);
  return missing;
}

function notWritable(root: string, path: string, command: string, cause: unknown): SpyglassError {
  const errno = errnoOf(cause) ?? 'unknown';
  const why = REASONS[errno] ?? (cause instanceof Error ? cause.message : String(cause));
  // ENOTDIR names the directory it could not make; the user needs the file that is in the way.
  const culprit = errno === 'ENOTDIR' ? fileInTheWay(path) : path;
  const at = culprit === root ? '' : ` (at ${culprit})`;
  return new SpyglassError(
    'STORAGE',
    `data root ${root} is not writable${at}: ${why} (${errno}); \`spyglass ${command}\` writes there — make it writable or pass --data-root <a writable directory> (settings.yaml dataRoot)`,
    { cause, details: { root, path: culprit, errno, command } },
  );
}

function fileInTheWay(path: string): string {
  for (let p = path; p !== dirname(p); p = dirname(p)) if (exists(p) && !isDirectory(p)) return p;
  return path;
}

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
