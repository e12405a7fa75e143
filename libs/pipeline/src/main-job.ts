import { dataRootLayout, nyseCalendar, systemClock, type Clock, type Logger, type SpyglassConfig } from '@spyglass/core';
import { consolidate, generateFeatures, prepareTraining, processingOptions, scanOptions, type ConsolidateSummary, type FeatureSummary, type ScanSummary, type TrainingSummary } from '@spyglass/processing';
import { Ingestion, type BackfillAllSummary } from './ingestion.js';
import { ingestionSettings } from './ingestion-settings.js';
import { writeScannerReport } from './scanner-report.js';
import { runTrainingJob, type TrainingJobResult } from './training-job.js';

/**
 * Options of {@link runMainJob}.
 *
 * @example
 * ```ts
 * const opts: MainJobOptions = { config, from: '2025-01-02', to: '2025-03-31', dataSource: 'exchange simulator, seed 42', resume: true,
 *   onStage: (stage, event) => console.log(stage, event) };
 * ```
 */
export interface MainJobOptions {
  readonly config: SpyglassConfig;
  /** Trading days to collect, inclusive. */
  readonly from: string;
  readonly to: string;
  /** Where the data comes from, stated in the report (e.g. the simulator and its seed). */
  readonly dataSource: string;
  readonly resume?: boolean;
  readonly gitRevision?: string | null;
  readonly xgboostLibraryPath?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Called as each stage starts and ends (progress output). */
  readonly onStage?: (stage: MainJobStage, event: 'start' | 'end', detail?: string) => void;
  readonly onTrainingProgress?: (stage: string, detail: string) => void;
}

/**
 * The stages of the main job, in order.
 *
 * @example
 * ```ts
 * const onStage = (stage: MainJobStage, event: 'start' | 'end') => logger.info({ stage, event }, 'main job');
 * ```
 */
export type MainJobStage = 'backfill' | 'consolidate' | 'prepare-training' | 'features' | 'scan' | 'train';

/**
 * Everything the main job did.
 *
 * @example
 * ```ts
 * const s: MainJobSummary = await runMainJob(opts);
 * console.log(s.days, s.backfill.stored, s.features.rows, s.stageSeconds.train);
 * ```
 */
export interface MainJobSummary {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly backfill: BackfillAllSummary;
  readonly consolidate: ConsolidateSummary;
  readonly training: TrainingSummary;
  readonly features: FeatureSummary;
  readonly scan: ScanSummary;
  readonly scannerReport: string;
  readonly model: TrainingJobResult;
  readonly seconds: number;
  readonly stageSeconds: Readonly<Record<MainJobStage, number>>;
}

/**
 * The whole pipeline on one configuration: backfill SPY, VIX, news and options (resumable) →
 * consolidate per option per minute → training data → the 66 features → options scanner →
 * XGBoost training, backtest, threshold analysis, walk-forward and the HTML report. What
 * `npm run demo` runs against the embedded simulator.
 *
 * @example
 * ```ts
 * const summary = await runMainJob({ config, from: '2025-01-02', to: '2025-03-31', dataSource: 'exchange simulator, seed 42' });
 * console.log(summary.model.reportHtml);
 * ```
 */
export async function runMainJob(o: MainJobOptions): Promise<MainJobSummary> {
  const clock = o.clock ?? systemClock;
  const started = clock.now();
  const root = o.config.settings.dataRoot;
  const p = o.config.pipeline;
  const stageSeconds = {} as Record<MainJobStage, number>;
  const stage = async <T>(name: MainJobStage, run: () => Promise<T>, describe: (r: T) => string): Promise<T> => {
    o.onStage?.(name, 'start');
    const t0 = clock.now();
    const r = await run();
    stageSeconds[name] = (clock.now() - t0) / 1000;
    o.onStage?.(name, 'end', describe(r));
    return r;
  };
  const t = o.config.sources.tickers;
  const ingestion = new Ingestion(ingestionSettings(o.config, { ...(o.logger ? { logger: o.logger } : {}), clock }));
  const backfill = await stage(
    'backfill',
    () => ingestion.backfillAll({ stockTicker: t.equities[0]!, indexTicker: t.indices[0]!, newsTickers: t.news, from: o.from, to: o.to, resume: o.resume ?? true }),
    (s) =>
      s.received === 0
        ? 'nothing to fetch: every day is already stored (resumed from the checkpoints)'
        : `${s.stored.toLocaleString('en-US')} records stored (${s.byDataset.stocks.stored} SPY, ${s.byDataset.indices.stored} VIX, ${s.byDataset.options.stored} option bars, ${s.byDataset.news.stored} news), ${s.quarantined} quarantined; ` +
          `option contracts: ${s.contracts.withBars} with bars, ${s.contracts.withoutBars} without, ${s.contracts.resumed} resumed, ${s.contracts.unlisted} selected but not listed`,
  );
  const dates = nyseCalendar.tradingDays(o.from, o.to);
  const steps = processingOptions(p);
  const consolidated = await stage(
    'consolidate',
    () => consolidate({ root, dates, ...steps.consolidate }),
    (s) => `${s.rows.toLocaleString('en-US')} option-minute rows, ${s.uniqueOptions} contracts`,
  );
  const training = await stage(
    'prepare-training',
    () => prepareTraining({ root, dates, ...steps.training }),
    (s) => `${s.rowsKept.toLocaleString('en-US')} rows kept, ${s.positives} positives`,
  );
  const features = await stage(
    'features',
    () => generateFeatures({ root, dates, ...steps.features }),
    (s) => `${s.rows.toLocaleString('en-US')} rows × ${s.features} features, ${(s.positiveRate * 100).toFixed(2)} % positive`,
  );
  const scan = await stage(
    'scan',
    () => scanOptions({ root, dates, ...steps.scanner, csvPath: dataRootLayout(root).scannerEvents }),
    (s) => `${s.events} events over ${s.contractDays} contract-days (median ${s.eventsPerContractDay.median} per contract-day)`,
  );
  const scannerReport = await writeScannerReport(root, scan, clock.now());
  const model = await stage(
    'train',
    () =>
      runTrainingJob({
        root,
        ml: o.config.ml,
        labelWindowMinutes: p.labels.windowMinutes,
        from: o.from,
        to: o.to,
        dataSource: o.dataSource,
        gitRevision: o.gitRevision ?? null,
        ...(o.xgboostLibraryPath ? { xgboostLibraryPath: o.xgboostLibraryPath } : {}),
        ...(o.logger ? { logger: o.logger } : {}),
        clock,
        ...(o.onTrainingProgress ? { onProgress: o.onTrainingProgress } : {}),
      }),
    (r) => `test ROC-AUC ${r.test.rocAuc.toFixed(3)}, precision ${r.backtest.precision.toFixed(3)} at ${r.threshold} vs base rate ${r.backtest.positiveRateTest.toFixed(3)}`,
  );
  return {
    from: o.from,
    to: o.to,
    days: dates.length,
    backfill,
    consolidate: consolidated,
    training,
    features,
    scan,
    scannerReport,
    model,
    seconds: (clock.now() - started) / 1000,
    stageSeconds,
  };
}
