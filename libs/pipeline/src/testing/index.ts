// Subpath entry @spyglass/pipeline/testing: fixtures for the tests of the apps built on pipeline.
// Needs @spyglass/exchange-sim installed (a dev dependency here; tests only).
export { buildFeatureDataset, CONFIG_DIR } from './feature-dataset.js';
export type { FeatureDataset } from './feature-dataset.js';
export { noiseSignalModel } from './untrained-signal-model.js';
export { batchFeatureRows } from './batch-feature-rows.js';
