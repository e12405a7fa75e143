import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { SpyglassError } from '@spyglass/core/errors';

/**
 * Debian's `libxgboost0` installs the library under this soname; the dynamic loader finds it.
 *
 * @example
 * ```ts
 * const xgb = loadXGBoost({ libraryPath: DEFAULT_XGBOOST_SONAME }); // resolved through the loader's search path
 * ```
 */
export const DEFAULT_XGBOOST_SONAME = 'libxgboost.so.0';

/**
 * The environment variable apps map onto `libraryPath` (see {@link xgboostLibraryFromEnv}).
 *
 * @example
 * ```ts
 * console.log(`set ${XGBOOST_LIBRARY_PATH_ENV}=/path/to/libxgboost.so`);
 * ```
 */
export const XGBOOST_LIBRARY_PATH_ENV = 'XGBOOST_LIBRARY_PATH';

/**
 * The install command per platform, quoted verbatim in the "not found" error.
 *
 * @example
 * ```ts
 * console.error(`libxgboost not found; install it with: ${XGBOOST_INSTALL_COMMANDS.debian}`);
 * ```
 */
export const XGBOOST_INSTALL_COMMANDS = {
  debian: 'sudo apt-get install -y libxgboost0',
  pip: 'python3 -m pip install xgboost',
  homebrew: 'brew install xgboost',
} as const;

/**
 * The Debian/Ubuntu install command (the platform CI runs on).
 *
 * @example
 * ```ts
 * console.error(`libxgboost not found; install it with: ${XGBOOST_INSTALL_COMMAND}`);
 * ```
 */
export const XGBOOST_INSTALL_COMMAND = XGBOOST_INSTALL_COMMANDS.debian;

/** Where a candidate came from, in search order. */
export type XGBoostSource = 'env' | 'system' | 'pip' | 'homebrew';

/**
 * Where {@link locateXGBoost} looks. Every field has a default fit for a real machine; tests pass
 * temp directories (a directory laid out like a pip wheel's site-packages) and turn the rest off.
 *
 * @example
 * ```ts
 * const search: XGBoostSearchOptions = { sitePackages: ['/opt/venv/lib/python3.11/site-packages'], homebrewPrefixes: [] };
 * ```
 */
export interface XGBoostSearchOptions {
  /** Sonames handed to the dynamic loader (its own search path). Default: `libxgboost.so.0`, and `libxgboost.dylib` on macOS. */
  readonly systemNames?: readonly string[];
  /** site-packages directories holding an `xgboost/lib/` of a pip wheel. Default: asked from the Python interpreters. */
  readonly sitePackages?: readonly string[];
  /** Python interpreters asked where `xgboost` and site-packages live. Default: `python3`, `/usr/bin/python3`. */
  readonly pythons?: readonly string[];
  /** Homebrew prefixes (`<prefix>/opt/xgboost/lib`). Default: `/opt/homebrew`, `/usr/local`, `/home/linuxbrew/.linuxbrew`. */
  readonly homebrewPrefixes?: readonly string[];
  /** Platform whose file names are searched for. Default: `process.platform`. */
  readonly platform?: NodeJS.Platform;
}

/** One place looked at, with why it was not used (absent when it was). */
export interface XGBoostCandidate {
  readonly source: XGBoostSource;
  readonly path: string;
  readonly failure?: string;
}

/**
 * The library found: its path (as loaded), the handle, and every place looked at on the way.
 *
 * @example
 * ```ts
 * const found: LocatedXGBoost = locateXGBoost(undefined);
 * console.log(found.source, found.path); // 'system' 'libxgboost.so.0'
 * ```
 */
export interface LocatedXGBoost {
  readonly path: string;
  readonly source: XGBoostSource;
  readonly library: LibraryHandle;
  readonly searched: readonly XGBoostCandidate[];
}

const SOURCE_LABELS: Record<XGBoostSource, string> = {
  env: XGBOOST_LIBRARY_PATH_ENV,
  system: 'system loader',
  pip: 'pip wheel',
  homebrew: 'Homebrew',
};

// One interpreter call answers both questions: where `import xgboost` lives (authoritative when
// it imports) and every site-packages directory (a wheel can sit there even if import fails).
const PYTHON_PROBE = [
  'import os, site, sys',
  'dirs = list(getattr(site, "getsitepackages", lambda: [])()) + [site.getusersitepackages()] + sys.path',
  'try:',
  '    import xgboost',
  '    dirs.insert(0, os.path.dirname(os.path.dirname(xgboost.__file__)))',
  'except Exception:',
  '    pass',
  'print("\\n".join(d for d in dirs if d))',
].join('\n');

/**
 * Finds and opens libxgboost: `libraryPath` when given (apps map `XGBOOST_LIBRARY_PATH` onto it;
 * an explicit path is authoritative and never silently replaced by another install), else the
 * system's `libxgboost.so.0` (Debian/Ubuntu `libxgboost0`), else a pip-installed `xgboost`
 * wheel's bundled `xgboost/lib/libxgboost.so`, else Homebrew's `libxgboost.dylib`. Throws a
 * `SpyglassError('XGBOOST')` listing every place looked at and the install command per platform.
 *
 * @example
 * ```ts
 * const found = locateXGBoost(xgboostLibraryFromEnv(process.env).libraryPath, { sitePackages: ['/opt/venv/lib/python3.11/site-packages'] });
 * console.log(`${found.source}: ${found.path}`);
 * ```
 */
export function locateXGBoost(libraryPath: string | undefined, search: XGBoostSearchOptions = {}): LocatedXGBoost {
  const searched: XGBoostCandidate[] = [];
  const tryLoad = (source: XGBoostSource, path: string, isFile: boolean): LocatedXGBoost | undefined => {
    if (searched.some((c) => c.path === path)) return undefined;
    if (isFile && !existsSync(path)) {
      searched.push({ source, path, failure: 'no such file' });
      return undefined;
    }
    try {
      const library = koffi.load(path);
      searched.push({ source, path });
      return { path, source, library, searched };
    } catch (cause) {
      searched.push({ source, path, failure: firstLine(cause) });
      return undefined;
    }
  };

  if (libraryPath !== undefined && libraryPath !== '') {
    const found = tryLoad('env', libraryPath, libraryPath.includes('/'));
    if (found) return found;
    throw notFound(searched, `the configured path (${XGBOOST_LIBRARY_PATH_ENV} / libraryPath) "${libraryPath}" cannot be loaded`);
  }

  const platform = search.platform ?? process.platform;
  const fileName = platform === 'darwin' ? 'libxgboost.dylib' : platform === 'win32' ? 'xgboost.dll' : 'libxgboost.so';
  const systemNames = search.systemNames ?? (platform === 'darwin' ? ['libxgboost.dylib'] : [DEFAULT_XGBOOST_SONAME]);
  for (const name of systemNames) {
    const found = tryLoad('system', name, name.includes('/'));
    if (found) return found;
  }

  const sitePackages = search.sitePackages ?? askPython(search.pythons ?? ['python3', '/usr/bin/python3']);
  for (const dir of unique(sitePackages)) {
    const found = tryLoad('pip', join(dir, 'xgboost', 'lib', fileName), true);
    if (found) return found;
  }

  for (const prefix of search.homebrewPrefixes ?? ['/opt/homebrew', '/usr/local', '/home/linuxbrew/.linuxbrew']) {
    const found = tryLoad('homebrew', join(prefix, 'opt', 'xgboost', 'lib', fileName), true);
    if (found) return found;
  }

  throw notFound(searched, 'no libxgboost in any of the places searched');
}

/**
 * Maps the environment onto {@link XGBoostLibraryOptions}: `XGBOOST_LIBRARY_PATH` (and the older
 * `SPYGLASS_XGBOOST_LIB`). Apps call it with `process.env`; the library itself never reads env.
 *
 * @example
 * ```ts
 * const lib = xgboostLibraryFromEnv({ XGBOOST_LIBRARY_PATH: '/opt/xgb/libxgboost.so' });
 * // { libraryPath: '/opt/xgb/libxgboost.so' }
 * ```
 */
export function xgboostLibraryFromEnv(env: Readonly<Record<string, string | undefined>>): { libraryPath?: string } {
  const path = env[XGBOOST_LIBRARY_PATH_ENV] || env.SPYGLASS_XGBOOST_LIB;
  return path ? { libraryPath: path } : {};
}

function askPython(pythons: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const python of unique(pythons)) {
    try {
      const out = execFileSync(python, ['-c', PYTHON_PROBE], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
      dirs.push(...out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')));
    } catch {
      // No such interpreter (or it failed): the other places are still searched, and the error
      // lists the pip directories that were looked at.
    }
  }
  return dirs;
}

function notFound(searched: readonly XGBoostCandidate[], why: string): SpyglassError {
  const places = searched.length
    ? searched.map((c, i) => `  ${i + 1}. ${SOURCE_LABELS[c.source]}: ${c.path} (${c.failure ?? 'loaded'})`).join('\n')
    : '  (nothing to look at: no candidate paths)';
  const message = [
    `XGBoost C library not found: ${why}. Looked at:`,
    places,
    'Install it with one of:',
    `  Debian/Ubuntu:     ${XGBOOST_INSTALL_COMMANDS.debian}`,
    `  any OS via Python: ${XGBOOST_INSTALL_COMMANDS.pip}`,
    `  macOS (Homebrew):  ${XGBOOST_INSTALL_COMMANDS.homebrew}`,
    `or set ${XGBOOST_LIBRARY_PATH_ENV}=/path/to/libxgboost.so`,
  ].join('\n');
  return new SpyglassError('XGBOOST', message, { details: { searched } });
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
