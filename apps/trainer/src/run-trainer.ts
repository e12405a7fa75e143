import { execFileSync } from 'node:child_process';
import { type ConfigDeprecation, configSecrets, createLogger, loadConfig, nyseCalendar, type Logger } from '@spyglass/core';
import { WalkForwardJobs, connectRedis } from '@spyglass/cluster';
import { runTrainingJob, type TrainingJobResult } from '@spyglass/pipeline';
import { generateFeatures, processingOptions, type FeatureSummary } from '@spyglass/processing';
import type { TrainerArgs } from './trainer-args.js';

/** What the trainer needs from its process, passed in so the run is testable in-process. */
export interface TrainerEnvironment {
  /** For `${VAR}` substitution in the config files. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Another libxgboost (the app decodes `XGBOOST_LIBRARY_PATH` into this; absent, libxgboost is searched for). */
  readonly xgboostLibraryPath?: string;
  /** Progress lines (human mode only). */
  readonly progress?: (line: string) => void;
  /** Log destination; default stderr. */
  readonly logDestination?: NodeJS.WritableStream;
  /** Gives a `--queue` run up: its waiting walk-forward folds are removed and the workers skip the rest. */
  readonly signal?: AbortSignal;
}

/** The trainer's result: the training job's, plus the feature stage when it ran. */
export interface TrainerResult extends TrainingJobResult {
  readonly dataRoot: string;
  readonly features: FeatureSummary | null;
}

function gitRevision(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/**
 * The trainer app's run: config → (features) → the pipeline's training job (train → threshold →
 * backtest → analyses → walk-forward → report). Reads no environment itself.
 *
 * @example
 * ```ts
 * const r = await runTrainer(parseTrainerArgs(['--data-root', 'data']), { env: process.env });
 * console.log(r.reportHtml);
 * ```
 */
export async function runTrainer(args: TrainerArgs, environment: TrainerEnvironment): Promise<TrainerResult> {
  const deprecated: ConfigDeprecation[] = [];
  const config = loadConfig({
    onDeprecated: (d) => deprecated.push(d),
    dir: args.configDir,
    env: environment.env,
    overrides: {
      settings: { ...(args.dataRoot ? { dataRoot: args.dataRoot } : {}), ...(args.logLevel ? { logLevel: args.logLevel } : {}) },
      ...(args.rounds === undefined ? {} : { ml: { xgboost: { numRounds: args.rounds } } }),
    },
  });
  const logger: Logger = createLogger({
    level: config.settings.logLevel,
    pretty: false,
    name: 'trainer',
    secrets: configSecrets(config),
    stacks: process.env.SPYGLASS_DEBUG === '1',
    destination: environment.logDestination ?? process.stderr,
  } as Parameters<typeof createLogger>[0]);
  for (const d of deprecated) logger.warn({ path: d.path.join('.'), replacement: d.replacement.join('.') }, d.message);
  const root = config.settings.dataRoot;
  const say = (line: string) => environment.progress?.(line);
  const p = config.pipeline;
  let features: FeatureSummary | null = null;
  if (args.features) {
    say(`» features ${args.from} … ${args.to}`);
    features = await generateFeatures({ root, dates: nyseCalendar.tradingDays(args.from!, args.to!), ...processingOptions(p).features });
    say(`  features: ${features.rows.toLocaleString('en-US')} rows × ${features.features}, ${(features.positiveRate * 100).toFixed(2)} % positive`);
  }
  // With --queue the walk-forward folds are BullMQ jobs on the cluster's workers.
  const redis = args.queue && args.walkForward ? await connectRedis(args.queue) : undefined;
  const folds = redis ? new WalkForwardJobs({ redis, namespace: args.namespace }) : undefined;
  const result = await runTrainingJob({
    root,
    ml: config.ml,
    labelWindowMinutes: p.labels.windowMinutes,
    ...(args.from ? { from: args.from } : {}),
    ...(args.to ? { to: args.to } : {}),
    dataSource: args.dataSource ?? `the feature dataset under ${root}`,
    gitRevision: gitRevision(),
    ...(environment.xgboostLibraryPath ? { xgboostLibraryPath: environment.xgboostLibraryPath } : {}),
    walkForward: args.walkForward,
    ...(folds ? { walkForwardFolds: (table, source) => folds.runner(table, source, environment.signal) } : {}),
    logger,
    onProgress: (stage, detail) => say(`  ${stage}: ${detail}`),
  }).finally(async () => {
    await folds?.close();
    await redis?.quit();
  });
  return { ...result, dataRoot: root, features };
}

/**
 * The closing lines people read: held-out figures against the naive baseline, and where the
 * report is.
 *
 * @example
 * ```ts
 * process.stdout.write(`${renderTrainerResult(result)}\n`);
 * ```
 */
export function renderTrainerResult(r: TrainerResult): string {
  const b = r.backtest;
  const wf = 'skipped' in r.walkForward ? `skipped (${r.walkForward.skipped})` : `${r.walkForward.splits.length} splits, mean precision ${r.walkForward.summary.precision ? `${(100 * r.walkForward.summary.precision.mean).toFixed(1)} %` : 'n/a'}`;
  return [
    `trained on ${r.rows.toLocaleString('en-US')} rows over ${r.days} days (${(100 * r.positiveRate).toFixed(2)} % positive)`,
    `  test ROC-AUC   ${r.test.rocAuc.toFixed(3)} (0.5 = chance)`,
    `  threshold      ${r.threshold} (chosen on validation)`,
    `  backtest       ${b.nSignals} signals, precision ${(100 * b.precision).toFixed(1)} % vs base rate ${(100 * b.positiveRateTest).toFixed(1)} %`,
    `  walk-forward   ${wf}`,
    `  speed          single-row predict p50 ${r.speed.p50Ms.toFixed(3)} ms, p99 ${r.speed.p99Ms.toFixed(3)} ms`,
    ``,
    `report:   ${r.reportHtml}`,
    `summary:  ${r.summaryJson}`,
    `model:    ${r.modelDir}`,
  ].join('\n');
}
