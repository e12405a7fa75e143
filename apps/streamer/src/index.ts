// Public entry of @spyglass/streamer: the daemon as a function, for embedding and tests.
export { startStreamer } from '@spyglass/pipeline';
export type { Streamer, StreamerOptions, StreamerSummary, StreamOutcome, StreamState } from '@spyglass/pipeline';
export { summaryLine } from './summary-line.js';
