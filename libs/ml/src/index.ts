// Public entry of @spyglass/ml: training, the model store, evaluation, explanation, and the XGBoost
// handles other projects use. Subpath entries: @spyglass/ml/xgboost (the whole libxgboost binding),
// @spyglass/ml/report (the HTML report's page builder, SVG charts and P&L section).
export type { XGBoostLibraryOptions } from './xgboost/native-library.js';
export { xgboostLibraryFromEnv } from './xgboost/locate-xgboost.js';
export { DMatrix } from './xgboost/dmatrix.js';
export type { DenseMatrixInput } from './xgboost/dmatrix.js';
export { Booster, DensePredictor, IMPORTANCE_TYPES } from './xgboost/booster.js';
export type { BoosterParams, Contributions, ImportanceType, PredictOptions } from './xgboost/booster.js';
export { trainBooster } from './xgboost/train-booster.js';
export type { TrainBoosterOptions, TrainData, TrainProgress, TrainResult } from './xgboost/train-booster.js';
export { TreeShap } from './xgboost/tree-shap.js';
export { TreePredictor } from './xgboost/tree-predictor.js';
export type { Expf } from './xgboost/tree-predictor.js';
export { trainInWorker } from './xgboost/train-in-worker.js';
export type { TrainInWorkerOptions } from './xgboost/train-in-worker.js';
export { validateFeatureTable, selectRows, selectColumns, tradingDays, rowsByDay } from './data/feature-table.js';
export type { FeatureTable } from './data/feature-table.js';
export { FORBIDDEN_FEATURES, isForbiddenFeature, assertNoForbiddenFeatures } from './data/forbidden-features.js';
export { loadFeatureTable } from './data/load-feature-table.js';
export type { LoadFeatureTableOptions, LoadedFeatureTable } from './data/load-feature-table.js';
export { seededRandom } from './data/seeded-random.js';
export { DataBalancer, classWeights, undersampleMajority } from './data/data-balancer.js';
export type { BalanceMethod, BalanceSummary, ClassWeights, DataBalancerOptions } from './data/data-balancer.js';
export { timeBasedSplit, splitDays, splitSummary, validateSplitRatios } from './data/time-split.js';
export type { DaySplit, SplitRatios, SplitSummary, TimeSplit } from './data/time-split.js';
export { DEFAULT_TRAINER_CONFIG, boosterParams, validateTrainerConfig } from './training/trainer-config.js';
export type { TrainerConfig } from './training/trainer-config.js';
export { XGBoostTrainer } from './training/xgboost-trainer.js';
export type { TrainingRun, TrainRunOptions, XGBoostTrainerOptions } from './training/xgboost-trainer.js';
export { ARTIFACT_FILES, appendMetricsLog, loadModelArtifact, saveModelArtifact } from './training/model-artifact.js';
export type { DayRange, ModelArtifact } from './training/model-artifact.js';
export { ModelStore } from './training/model-store.js';
export type { StoredModel } from './training/model-store.js';
export { classificationMetrics, confusion, precisionRecallCurve, rocAuc, rocCurve } from './evaluation/classification-metrics.js';
export type { ClassificationMetrics, Confusion, CurvePoint } from './evaluation/classification-metrics.js';
export { predictTable } from './evaluation/predict-table.js';
export { allFeatureImportances, featureImportance, importanceAsciiChart, importanceChartSvg, importanceCsv } from './evaluation/feature-importance.js';
export type { ImportanceRow } from './evaluation/feature-importance.js';
export { backtest, parseTradesCsv, tradesCsv } from './evaluation/backtest.js';
export type { BacktestMetrics, BacktestResult, Trade } from './evaluation/backtest.js';
export { findThresholdForPrecision, thresholdGrid, thresholdSweep } from './evaluation/threshold-finder.js';
export type { PrecisionThreshold, ThresholdSweepOptions, ThresholdSweepRow } from './evaluation/threshold-finder.js';
export { benchmarkPredictionSpeed } from './evaluation/speed-benchmark.js';
export type { SpeedBenchmark } from './evaluation/speed-benchmark.js';
export { asciiHistogram, expectedValue, falsePositives, histogram, riskReport, stopLossImpact } from './evaluation/error-analyzer.js';
export type { ExpectedValue, Histogram, RiskReport, StopLossImpactRow } from './evaluation/error-analyzer.js';
export {
  analyzeThreshold,
  findOptimalThreshold,
  monthlyPrecisionAt,
  monthlySummary,
  thresholdRecommendations,
  thresholdSensitivity,
} from './evaluation/threshold-sensitivity.js';
export type {
  MonthlySummaryRow,
  OptimalThreshold,
  Stats,
  ThresholdAnalysis,
  ThresholdRecommendation,
  ThresholdSensitivity,
} from './evaluation/threshold-sensitivity.js';
export {
  DEFAULT_WALK_FORWARD_CONFIG,
  runWalkForward,
  runWalkForwardFold,
  validateWalkForwardConfig,
  walkForwardAsciiChart,
  walkForwardWindows,
} from './evaluation/walk-forward.js';
export type {
  WalkForwardConfig,
  WalkForwardFoldOptions,
  WalkForwardFoldResult,
  WalkForwardFoldRunner,
  WalkForwardOptions,
  WalkForwardResult,
  WalkForwardSplit,
  WalkForwardSummary,
  WalkForwardWindow,
} from './evaluation/walk-forward.js';
export { describeFeature, readFeature } from './explain/feature-descriptions.js';
export type { FeatureDescription } from './explain/feature-descriptions.js';
export { explainSignal, formatExplanation } from './explain/signal-explainer.js';
export type { ExplainInput, ExplanationFactor, SignalExplanation } from './explain/signal-explainer.js';
export { Scorer } from './explain/scorer.js';
export type { FeatureRow, Score, ScorerOptions } from './explain/scorer.js';
export { writeReport } from './report/html-report.js';
export type { ReportInput, ReportSignal, ReportSummary } from './report/html-report.js';
export type { PnlReport, PnlSplit, PnlSummary } from './report/pnl-section.js';
export { predictSplit, runBacktest } from './evaluation/split-predictions.js';
export { trainingOverlap } from './evaluation/training-overlap.js';
export type { SplitPredictions } from './evaluation/split-predictions.js';
export {
  formatBacktestSummary,
  formatErrorAnalysis,
  formatSpeedBenchmark,
  formatThresholdSearch,
  formatTrainingSummary,
  formatWalkForward,
} from './report/text-summaries.js';
