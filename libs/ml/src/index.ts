// Public entry of @spyglass/ml.
export { loadXGBoost, DEFAULT_XGBOOST_SONAME, XGBOOST_INSTALL_COMMAND } from './xgboost/native-library.js';
export type { XGBoostLibraryOptions, XGBoostNative } from './xgboost/native-library.js';
export { NativeHandle } from './xgboost/native-handle.js';
export { DMatrix } from './xgboost/dmatrix.js';
export type { DenseMatrixInput } from './xgboost/dmatrix.js';
export { Booster, DensePredictor, IMPORTANCE_TYPES, parseEvalLine } from './xgboost/booster.js';
export type { BoosterParams, Contributions, EvalResult, ImportanceType, PredictOptions } from './xgboost/booster.js';
export { normalizeModelJson } from './xgboost/model-json.js';
export { trainBooster } from './xgboost/train-booster.js';
export type { TrainBoosterOptions, TrainData, TrainProgress, TrainResult } from './xgboost/train-booster.js';
export { trainInWorker } from './xgboost/train-in-worker.js';
export type { TrainInWorkerOptions } from './xgboost/train-in-worker.js';
export { validateFeatureTable, selectRows, selectColumns, tradingDays, rowsByDay } from './data/feature-table.js';
export type { FeatureTable } from './data/feature-table.js';
export { FORBIDDEN_FEATURES, isForbiddenFeature, assertNoForbiddenFeatures } from './data/forbidden-features.js';
