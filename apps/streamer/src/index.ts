// Public entry of @spyglass/streamer: the daemon as a function, for embedding and tests.
export { startStreamer } from './streamer.js';
export type { Streamer, StreamerOptions, StreamerSummary, StreamOutcome, StreamState } from './streamer.js';
export { summaryLine } from './summary-line.js';
