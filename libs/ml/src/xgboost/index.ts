// Subpath entry @spyglass/ml/xgboost: the libxgboost C API binding (koffi) for callers that drive
// XGBoost directly. The main entry keeps what the apps use (Booster, importance types, trainInWorker).
export { loadXGBoost } from './native-library.js';
export type { XGBoostLibraryOptions, XGBoostNative } from './native-library.js';
export {
  locateXGBoost,
  xgboostLibraryFromEnv,
  DEFAULT_XGBOOST_SONAME,
  XGBOOST_INSTALL_COMMAND,
  XGBOOST_INSTALL_COMMANDS,
  XGBOOST_LIBRARY_PATH_ENV,
} from './locate-xgboost.js';
export type { LocatedXGBoost, XGBoostCandidate, XGBoostSearchOptions, XGBoostSource } from './locate-xgboost.js';
export { NativeHandle } from './native-handle.js';
export { DMatrix } from './dmatrix.js';
export type { DenseMatrixInput } from './dmatrix.js';
export { Booster, DensePredictor, IMPORTANCE_TYPES } from './booster.js';
export type { BoosterParams, Contributions, EvalResult, ImportanceType, PredictOptions } from './booster.js';
export { normalizeModelJson } from './model-json.js';
export { trainBooster } from './train-booster.js';
export type { TrainBoosterOptions, TrainData, TrainProgress, TrainResult } from './train-booster.js';
export { TreeShap } from './tree-shap.js';
export { TreePredictor } from './tree-predictor.js';
export type { Expf } from './tree-predictor.js';
export { trainInWorker } from './train-in-worker.js';
export type { TrainInWorkerOptions } from './train-in-worker.js';
