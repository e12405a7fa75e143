import { SpyglassError } from '@spyglass/core/errors';
import { check, loadXGBoost, type XGBoostLibraryOptions } from './native-library.js';
import { NativeHandle } from './native-handle.js';

/**
 * Dense, row-major input for {@link DMatrix.fromDense}.
 *
 * @example
 * ```ts
 * const input: DenseMatrixInput = { data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2, label: [0, 1] };
 * using dtrain = DMatrix.fromDense(input);
 * ```
 */
export interface DenseMatrixInput {
  /** `rows × cols` values, row-major; NaN marks a missing value. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** One label per row (0/1 for binary classification). */
  readonly label?: ArrayLike<number>;
  /** One weight per row. */
  readonly weight?: ArrayLike<number>;
}

/**
 * XGBoost's data matrix, built from a row-major Float32Array (NaN = missing).
 *
 * @example
 * ```ts
 * using d = DMatrix.fromDense({ data: new Float32Array([1, NaN, 3, 4]), rows: 2, cols: 2, label: [0, 1] });
 * d.rows; // 2
 * ```
 */
export class DMatrix extends NativeHandle {
  readonly rows: number;
  readonly cols: number;

  private constructor(native: ReturnType<typeof loadXGBoost>, handle: bigint, rows: number, cols: number) {
    super(native, handle, 'XGDMatrixFree', 'DMatrix');
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * Copies `input.data` into a new native DMatrix (read in place, no JS-side copy) and attaches
   * labels and weights. `nthread` threads build it (default 1; Python's `xgb.DMatrix` uses all
   * cores unless told otherwise).
   */
  static fromDense(input: DenseMatrixInput, options: XGBoostLibraryOptions & { readonly nthread?: number } = {}): DMatrix {
    const { data, rows, cols } = input;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols <= 0 || data.length !== rows * cols) {
      throw new SpyglassError(
        'INVALID_ARGUMENT',
        `DMatrix.fromDense: data has ${data.length} values, expected rows × cols = ${rows} × ${cols}`,
        { details: { rows, cols, length: data.length } },
      );
    }
    const native = loadXGBoost(options);
    const out: unknown[] = [null];
    const nthread = options.nthread ?? 1;
    check(
      native,
      nthread === 1 ? native.XGDMatrixCreateFromMat(data, rows, cols, Number.NaN, out) : native.XGDMatrixCreateFromMat_omp(data, rows, cols, Number.NaN, out, nthread),
      'create a DMatrix',
    );
    const matrix = new DMatrix(native, out[0] as bigint, rows, cols);
    try {
      if (input.label) matrix.setFloatInfo('label', input.label);
      if (input.weight) matrix.setFloatInfo('weight', input.weight);
    } catch (e) {
      matrix.dispose();
      throw e;
    }
    return matrix;
  }

  /** Sets a per-row float field (`label`, `weight`, `base_margin`). */
  setFloatInfo(field: 'label' | 'weight' | 'base_margin', values: ArrayLike<number>): void {
    if (values.length !== this.rows) {
      throw new SpyglassError('INVALID_ARGUMENT', `DMatrix ${field}: ${values.length} values for ${this.rows} rows`, {
        details: { field, length: values.length, rows: this.rows },
      });
    }
    const array = values instanceof Float32Array ? values : Float32Array.from(values);
    check(this.native, this.native.XGDMatrixSetFloatInfo(this.handle, field, array, array.length), `set DMatrix ${field}`);
  }
}
