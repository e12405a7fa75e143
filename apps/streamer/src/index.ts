// Public entry of @spyglass/streamer: the daemon as a function, for embedding and tests.
export { startStreamer } from './start-streamer.js';
export type { Streamer, StreamerOptions } from './start-streamer.js';
export type { StreamerSummary, StreamOutcome, StreamState } from '@spyglass/pipeline';
export { summaryLine } from './summary-line.js';
