import koffi from 'koffi';
import { SpyglassError } from '@spyglass/core/errors';
import { locateXGBoost, type XGBoostSearchOptions } from './locate-xgboost.js';

/**
 * Options for {@link loadXGBoost}.
 *
 * @example
 * ```ts
 * const lib: XGBoostLibraryOptions = { libraryPath: '/usr/lib/x86_64-linux-gnu/libxgboost.so.0' };
 * const booster = Booster.loadFile('data/models/xgboost_v1/model.json', lib);
 * ```
 */
export interface XGBoostLibraryOptions {
  /**
   * Path or soname of `libxgboost`, e.g. the `libxgboost.so` inside a Python wheel. When absent the
   * library is searched for (see {@link locateXGBoost}). Apps map `XGBOOST_LIBRARY_PATH` onto this
   * with {@link xgboostLibraryFromEnv}; the library never reads env.
   */
  readonly libraryPath?: string;
  /** Where to search when `libraryPath` is absent (defaults fit a real machine; tests narrow them). */
  readonly search?: XGBoostSearchOptions;
}

type Fn = (...args: unknown[]) => number;

/**
 * The raw C entry points spyglass uses (XGBoost 1.7 C API). Handles are BigInt pointers.
 *
 * @example
 * ```ts
 * const xgb: XGBoostNative = loadXGBoost();
 * console.log(`libxgboost ${xgb.version.major}.${xgb.version.minor} at ${xgb.libraryPath}`);
 * ```
 */
export interface XGBoostNative {
  readonly libraryPath: string;
  readonly version: { major: number; minor: number; patch: number };
  readonly lastError: () => string;
  readonly XGDMatrixCreateFromMat: Fn;
  readonly XGDMatrixCreateFromMat_omp: Fn;
  readonly XGDMatrixSetFloatInfo: Fn;
  readonly XGDMatrixNumRow: Fn;
  readonly XGDMatrixNumCol: Fn;
  readonly XGDMatrixFree: Fn;
  readonly XGBoosterCreate: Fn;
  readonly XGBoosterFree: Fn;
  readonly XGBoosterSetParam: Fn;
  readonly XGBoosterUpdateOneIter: Fn;
  readonly XGBoosterEvalOneIter: Fn;
  readonly XGBoosterPredictFromDMatrix: Fn;
  readonly XGBoosterPredictFromDense: Fn;
  readonly XGBoosterSaveModelToBuffer: Fn;
  readonly XGBoosterLoadModelFromBuffer: Fn;
  readonly XGBoosterFeatureScore: Fn;
  readonly XGBoosterBoostedRounds: Fn;
  readonly XGBoosterGetNumFeature: Fn;
  readonly XGBoosterSlice: Fn;
  readonly XGBoosterSetStrFeatureInfo: Fn;
  readonly XGBoosterGetStrFeatureInfo: Fn;
}

const loaded = new Map<string, XGBoostNative>();
const SEARCHED = '\0searched';

/**
 * Loads libxgboost once per path and binds the C functions spyglass needs. Without a `libraryPath`
 * it is searched for ({@link locateXGBoost}); the `SpyglassError('XGBOOST')` thrown when nothing
 * loads lists every place looked at and the install command per platform.
 *
 * Signatures use anonymous `void *` handles on purpose: koffi's named-type registry is process-wide,
 * so a named `koffi.opaque('BoosterHandle')` would throw "Duplicate type name" when a second copy of
 * this module is evaluated (Jest loads one per test file).
 *
 * @example
 * ```ts
 * const xgb = loadXGBoost({ libraryPath: '/opt/xgboost/lib/libxgboost.so' });
 * console.log(xgb.version); // { major: 1, minor: 7, patch: 4 }
 * ```
 */
export function loadXGBoost(options: XGBoostLibraryOptions = {}): XGBoostNative {
  // The search result is cached too (under its own key) so a default load spawns no Python twice.
  const key = options.libraryPath ?? (options.search ? undefined : SEARCHED);
  const cached = key === undefined ? undefined : loaded.get(key);
  if (cached) return cached;
  const found = locateXGBoost(options.libraryPath, options.search);
  const libraryPath = found.path;
  const already = loaded.get(libraryPath);
  if (already) {
    if (key !== undefined) loaded.set(key, already);
    return already;
  }
  const lib = found.library;
  const f = (decl: string): Fn => lib.func(decl) as unknown as Fn;
  const versionFn = lib.func('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)');
  const major = [0];
  const minor = [0];
  const patch = [0];
  versionFn(major, minor, patch);
  const getLastError = lib.func('const char *XGBGetLastError()');
  const native: XGBoostNative = {
    libraryPath,
    version: { major: major[0]!, minor: minor[0]!, patch: patch[0]! },
    lastError: () => String(getLastError() ?? ''),
    XGDMatrixCreateFromMat: f(
      'int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out)',
    ),
    // the same dense adapter with an OpenMP thread count (CreateFromMat builds on one thread)
    XGDMatrixCreateFromMat_omp: f(
      'int XGDMatrixCreateFromMat_omp(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out, int nthread)',
    ),
    XGDMatrixSetFloatInfo: f('int XGDMatrixSetFloatInfo(void *h, const char *field, const float *array, uint64_t len)'),
    XGDMatrixNumRow: f('int XGDMatrixNumRow(void *h, _Out_ uint64_t *out)'),
    XGDMatrixNumCol: f('int XGDMatrixNumCol(void *h, _Out_ uint64_t *out)'),
    XGDMatrixFree: f('int XGDMatrixFree(void *h)'),
    XGBoosterCreate: f('int XGBoosterCreate(void **dmats, uint64_t len, _Out_ void **out)'),
    XGBoosterFree: f('int XGBoosterFree(void *h)'),
    XGBoosterSetParam: f('int XGBoosterSetParam(void *h, const char *name, const char *value)'),
    XGBoosterUpdateOneIter: f('int XGBoosterUpdateOneIter(void *h, int iter, void *dtrain)'),
    XGBoosterEvalOneIter: f(
      'int XGBoosterEvalOneIter(void *h, int iter, void **dmats, const char **names, uint64_t len, _Out_ const char **out)',
    ),
    XGBoosterPredictFromDMatrix: f(
      'int XGBoosterPredictFromDMatrix(void *h, void *dmat, const char *config, _Out_ void **shape, _Out_ uint64_t *dim, _Out_ void **result)',
    ),
    XGBoosterPredictFromDense: f(
      'int XGBoosterPredictFromDense(void *h, const char *array, const char *config, void *proxy, _Out_ void **shape, _Out_ uint64_t *dim, _Out_ void **result)',
    ),
    XGBoosterSaveModelToBuffer: f(
      'int XGBoosterSaveModelToBuffer(void *h, const char *config, _Out_ uint64_t *len, _Out_ void **out)',
    ),
    XGBoosterLoadModelFromBuffer: f('int XGBoosterLoadModelFromBuffer(void *h, const void *buf, uint64_t len)'),
    XGBoosterFeatureScore: f(
      'int XGBoosterFeatureScore(void *h, const char *config, _Out_ uint64_t *nfeat, _Out_ void **features, _Out_ uint64_t *dim, _Out_ void **shape, _Out_ void **scores)',
    ),
    XGBoosterBoostedRounds: f('int XGBoosterBoostedRounds(void *h, _Out_ int *out)'),
    XGBoosterGetNumFeature: f('int XGBoosterGetNumFeature(void *h, _Out_ uint64_t *out)'),
    XGBoosterSlice: f('int XGBoosterSlice(void *h, int begin, int end, int step, _Out_ void **out)'),
    XGBoosterSetStrFeatureInfo: f(
      'int XGBoosterSetStrFeatureInfo(void *h, const char *field, const char **features, uint64_t size)',
    ),
    XGBoosterGetStrFeatureInfo: f(
      'int XGBoosterGetStrFeatureInfo(void *h, const char *field, _Out_ uint64_t *len, _Out_ void **out)',
    ),
  };
  loaded.set(libraryPath, native);
  if (key !== undefined) loaded.set(key, native);
  return native;
}

/**
 * Turns a non-zero return code into a `SpyglassError('XGBOOST')` carrying `XGBGetLastError()`
 * (without XGBoost's C++ stack trace, which says nothing to a user).
 *
 * @example
 * ```ts
 * check(xgb, xgb.XGBoosterSetParam(handle, 'max_depth', '6'), 'set max_depth');
 * ```
 */
export function check(native: XGBoostNative, rc: number, what: string): void {
  if (rc === 0) return;
  const raw = native.lastError();
  const message = raw.split('\nStack trace:')[0]!.trim();
  throw new SpyglassError('XGBOOST', `XGBoost failed to ${what}: ${message}`, {
    details: { operation: what, libraryPath: native.libraryPath, lastError: message },
  });
}

/** Reads `length` floats at a native address into a JS-owned copy (the native buffer is reused by XGBoost). */
export function copyFloats(address: unknown, length: number): Float32Array {
  if (length === 0) return new Float32Array(0);
  return new Float32Array(koffi.view(address, length * 4).slice(0));
}

/** Reads `length` unsigned 64-bit integers at a native address as plain numbers. */
export function readShape(address: unknown, length: number): number[] {
  if (length === 0) return [];
  return Array.from(new BigUint64Array(koffi.view(address, length * 8).slice(0)), Number);
}

/** Reads `length` C strings from a native `const char **`. */
export function readStrings(address: unknown, length: number): string[] {
  if (length === 0) return [];
  return koffi.decode(address, 'const char *', length) as string[];
}

/** Reads `length` bytes at a native address into a JS-owned Uint8Array. */
export function copyBytes(address: unknown, length: number): Uint8Array {
  return new Uint8Array(koffi.view(address, length).slice(0));
}
