import { SpyglassError } from '@spyglass/core/errors';
import type { XGBoostNative } from './native-library.js';

type FreeFunction = 'XGDMatrixFree' | 'XGBoosterFree';

interface Held {
  readonly native: XGBoostNative;
  readonly handle: bigint;
  readonly free: FreeFunction;
}

// Safety net only: a handle the caller forgot to dispose is freed when its wrapper is collected.
// Deterministic release is `dispose()` / `using`, because GC timing is unbounded and native
// memory (a 200 MB DMatrix) is invisible to V8's heap accounting.
const registry = new FinalizationRegistry<Held>((held) => {
  held.native[held.free](held.handle);
});

/**
 * Base of every wrapper around an XGBoost handle: owns the pointer, frees it exactly once.
 *
 * @example
 * ```ts
 * using dtrain = DMatrix.fromDense({ data, rows, cols, label });
 * // freed at the end of the block, or call dtrain.dispose()
 * ```
 */
export abstract class NativeHandle implements Disposable {
  readonly #native: XGBoostNative;
  readonly #free: FreeFunction;
  readonly #kind: string;
  #handle: bigint | null;

  protected constructor(native: XGBoostNative, handle: bigint, free: FreeFunction, kind: string) {
    this.#native = native;
    this.#handle = handle;
    this.#free = free;
    this.#kind = kind;
    registry.register(this, { native, handle, free }, this);
  }

  /** The bound C library this handle belongs to. */
  get native(): XGBoostNative {
    return this.#native;
  }

  /** The raw pointer; throws once disposed so a freed handle never reaches C. */
  get handle(): bigint {
    if (this.#handle === null) {
      throw new SpyglassError('XGBOOST', `${this.#kind} was used after dispose()`, { details: { kind: this.#kind } });
    }
    return this.#handle;
  }

  /** True once {@link dispose} ran. */
  get disposed(): boolean {
    return this.#handle === null;
  }

  /** Frees the native handle now; calling it twice is harmless. */
  dispose(): void {
    if (this.#handle === null) return;
    const handle = this.#handle;
    this.#handle = null;
    registry.unregister(this);
    this.#native[this.#free](handle);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
