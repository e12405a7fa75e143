// Public entry of @spyglass/monitoring.
export { Heartbeat } from './heartbeat.js';
export type { HeartbeatRecord, HeartbeatOptions } from './heartbeat.js';
export { PerformanceMonitor } from './performance-monitor.js';
export type {
  AlertSeverity,
  OperationSample,
  OperationStats,
  OperationTimer,
  PerformanceAlert,
  PerformanceAlertKind,
  PerformanceMonitorOptions,
  PerformanceSnapshot,
} from './performance-monitor.js';
export { defaultPerformanceThresholds, validatePerformanceThresholds } from './performance-thresholds.js';
export type { OperationThresholds, PerformanceThresholds } from './performance-thresholds.js';
export { ErrorAggregator, errorType } from './error-aggregator.js';
export type { ErrorAggregatorOptions, ErrorSample, ErrorSummary, ErrorTypeSummary } from './error-aggregator.js';
export { HardwareMonitor } from './hardware-monitor.js';
export type { HardwareMonitorOptions, HardwareSample, ResourceUsage } from './hardware-monitor.js';
export { marketTimeBetween } from './market-time.js';
export { buildHealthSnapshot, defaultHealthThresholds, worstStatus } from './health-snapshot.js';
export type {
  DatasetFreshness,
  DatasetFreshnessInput,
  HealthCheck,
  HealthInputs,
  HealthSnapshot,
  HealthStatus,
  HealthThresholds,
  IntegrityState,
  Provider,
  QuarantineCount,
  RunnerHealth,
  SchemaDriftState,
  WorkerHealth,
} from './health-snapshot.js';
export { renderHealthText } from './health-render.js';
export { createSpyglassMetrics, WORKER_STATES } from './metrics.js';
export type { SpyglassMetrics, SpyglassMetricsOptions, WorkerState } from './metrics.js';
export { listenHttp } from './listen-http.js';
export type { HttpListener } from './listen-http.js';
export { createMetricsServer } from './metrics-server.js';
export type { MetricsServer, MetricsServerOptions } from './metrics-server.js';
export { loopbackHostProblem } from './loopback-host.js';
