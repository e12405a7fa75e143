import type { CommandModule } from 'yargs';
import { formatPnlLine } from '@spyglass/backtest';
import { defineCommand } from '../define-command.js';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { runMainJob, type MainJobSummary } from '@spyglass/pipeline';
import { xgboostLibraryFromEnv } from '@spyglass/ml';
import { loadWritingContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { gitRevision } from '../git-revision.js';

interface DemoArgs extends GlobalArgs {
  from: string;
  to: string;
  seed: string;
  'strikes-per-side': number;
  fresh: boolean;
}


/**
 * Renders the main job's summary for people.
 *
 * @example
 * ```ts
 * console.log(renderDemo(summary, 'data'));
 * ```
 */
function renderDemo(s: MainJobSummary, dataRoot: string): string {
  const m = s.model;
  const wf = 'skipped' in m.walkForward ? `skipped (${m.walkForward.skipped})` : `${m.walkForward.splits.length} splits, mean precision ${m.walkForward.summary.precision?.mean.toFixed(3) ?? 'n/a'}`;
  return [
    `spyglass main job on the embedded exchange simulator (synthetic data, not market results)`,
    `  days            ${s.days} trading days ${s.from} … ${s.to}`,
    `  backfill        ${s.backfill.stored.toLocaleString('en-US')} records stored, ${s.backfill.duplicates} duplicates, ${s.backfill.quarantined} quarantined (${s.stageSeconds.backfill.toFixed(1)} s)`,
    `                  SPY ${s.backfill.byDataset.stocks.stored}, VIX ${s.backfill.byDataset.indices.stored}, options ${s.backfill.byDataset.options.stored}, news ${s.backfill.byDataset.news.stored}`,
    `  consolidate     ${s.consolidate.rows.toLocaleString('en-US')} option-minute rows (${s.stageSeconds.consolidate.toFixed(1)} s)`,
    `  features        ${s.features.rows.toLocaleString('en-US')} rows × ${s.features.features}, ${(s.features.positiveRate * 100).toFixed(2)} % positive (${s.stageSeconds.features.toFixed(1)} s)`,
    `  scanner         ${s.scan.events} events, median ${s.scan.eventsPerContractDay.median} per contract-day (the original: 4 on real data)`,
    `  model           test ROC-AUC ${m.test.rocAuc.toFixed(3)} (0.5 = chance); at threshold ${m.threshold}: precision ${m.backtest.precision.toFixed(3)} vs base rate ${m.backtest.positiveRateTest.toFixed(3)}, ${m.backtest.nSignals} signals`,
    `  P&L             ${formatPnlLine(m.pnl)} (${m.pnl.days.count} test days; simulator figures)`,
    `  walk-forward    ${wf}`,
    `  speed           single-row predict p50 ${m.speed.p50Ms.toFixed(3)} ms, p99 ${m.speed.p99Ms.toFixed(3)} ms`,
    `  total           ${s.seconds.toFixed(1)} s`,
    ``,
    `report:     ${m.reportHtml}`,
    `model:      ${m.modelDir}`,
    `dashboard:  npm run spyglass -- dashboard --data-root ${dataRoot}   (then open http://127.0.0.1:8501)`,
  ].join('\n');
}

/** `spyglass demo`: the main job end to end on the embedded simulator. */
export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'run the whole pipeline on the embedded exchange simulator: backfill → consolidate → features → train → evaluate → report',
  builder: (y) =>
    y
      .option('from', { type: 'string', default: '2024-04-01', describe: 'first trading day' })
      .option('to', { type: 'string', default: '2025-03-31', describe: 'last trading day' })
      .option('seed', { type: 'string', default: '42', describe: 'simulator seed' })
      .option('strikes-per-side', { type: 'number', default: 4, describe: 'calls above and puts at or below the open, per day' })
      .option('fresh', { type: 'boolean', default: false, describe: 'ignore checkpoints and re-fetch every day' }),
  handler: async (a) => {
    const sim = await createExchangeSim({ seed: a.seed, port: 0 });
    try {
      const ctx = loadWritingContext(a, {
        sources: {
          massive: { apiKey: 'demo-key', rest: { baseUrl: sim.url }, ws: { baseUrl: sim.wsUrl }, rateLimit: { requestsPerMinute: null } },
          options: { strikesPerSide: a['strikes-per-side'] },
        },
        // The stage lines tell the story; log records only for warnings unless asked (--log-level, SPYGLASS_LOG_LEVEL).
        ...(a['log-level'] || process.env.SPYGLASS_LOG_LEVEL ? {} : { settings: { logLevel: 'warn' } }),
      });
      ctx.logger.info({ rest: sim.url }, 'embedded exchange simulator started');
      const { libraryPath } = xgboostLibraryFromEnv(process.env);
      const summary = await runMainJob({
        config: ctx.config,
        from: a.from,
        to: a.to,
        resume: !a.fresh,
        dataSource: `spyglass exchange simulator, seed ${a.seed} (synthetic data, not market results)`,
        gitRevision: gitRevision(),
        ...(libraryPath ? { xgboostLibraryPath: libraryPath } : {}),
        logger: ctx.logger,
        onStage: (stage, event, detail) => {
          if (!a.json) process.stderr.write(event === 'start' ? `» ${stage}…\n` : `  ${stage}: ${detail}\n`);
        },
        onTrainingProgress: (stage, detail) => {
          if (!a.json) process.stderr.write(`    ${stage}: ${detail}\n`);
        },
      });
      printResult(a, summary, () => renderDemo(summary, ctx.dataRoot));
    } finally {
      await sim.close();
    }
  },
});
