import { parseArgs } from 'node:util';
import { SpyglassError } from '@spyglass/core';

/** The trainer's command line, decoded. */
export interface TrainerArgs {
  readonly configDir: string;
  readonly dataRoot?: string;
  readonly from?: string;
  readonly to?: string;
  /** Regenerate the feature dataset from consolidated data for `from`…`to` first. */
  readonly features: boolean;
  readonly walkForward: boolean;
  /** Redis URL of a cluster's queue: the walk-forward folds run as jobs on its workers. */
  readonly queue?: string;
  /** Redis key prefix of that deployment (default `spyglass`). */
  readonly namespace: string;
  readonly rounds?: number;
  readonly dataSource?: string;
  readonly logLevel?: string;
  readonly json: boolean;
  readonly help: boolean;
}

/** `--help` text. */
export const TRAINER_USAGE = `spyglass-trainer [options]

Runs the end-to-end ML job on the stored feature dataset: train (chronological split, balanced
training part, early stopping) → threshold on validation → backtest on the held-out test days →
importance, threshold sensitivity, error analysis, speed, SHAP → walk-forward → HTML report with
plots and a JSON summary. Prints where the report is.

Options:
  --config-dir <dir>   directory of the YAML config files (default: config)
  --data-root <dir>    data root (overrides settings.dataRoot)
  --from <YYYY-MM-DD>  first trading day of the training data (default: all)
  --to <YYYY-MM-DD>    last trading day of the training data (default: all)
  --features           regenerate the features from data/processed/consolidated first (needs --from and --to)
  --no-walk-forward    skip walk-forward validation
  --queue <redis-url>  run the walk-forward folds as jobs on the workers of a cluster
                       (\`spyglass worker --queue …\` on any machine; they read the same data root or store)
  --namespace <name>   Redis key prefix of that deployment (default: spyglass)
  --rounds <n>         boosting rounds (default ml.xgboost.numRounds)
  --data-source <text> where the data came from, stated on the report
  --log-level <level>  trace|debug|info|warn|error|silent
  --json               print the result as JSON
  -h, --help           show this help

Environment: XGBOOST_LIBRARY_PATH points at a libxgboost.so (default: searched: the system's libxgboost.so.0, a pip wheel, Homebrew).`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Decodes the trainer's argv (without `node` and the script). Unknown options and malformed
 * values throw `SpyglassError('INVALID_ARGUMENT')` naming the option.
 *
 * @example
 * ```ts
 * parseTrainerArgs(['--data-root', 'data', '--no-walk-forward']); // { configDir: 'config', dataRoot: 'data', walkForward: false, … }
 * ```
 */
export function parseTrainerArgs(argv: readonly string[]): TrainerArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'config-dir': { type: 'string', default: 'config' },
        'data-root': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        features: { type: 'boolean', default: false },
        'no-walk-forward': { type: 'boolean', default: false },
        queue: { type: 'string' },
        namespace: { type: 'string', default: 'spyglass' },
        rounds: { type: 'string' },
        'data-source': { type: 'string' },
        'log-level': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (cause) {
    throw new SpyglassError('INVALID_ARGUMENT', `${(cause as Error).message} (see --help)`, { cause });
  }
  for (const flag of ['from', 'to'] as const) {
    const v = values[flag];
    if (v !== undefined && !DAY.test(v)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${v} is not a YYYY-MM-DD date`);
  }
  if (values.from && values.to && values.from > values.to) throw new SpyglassError('INVALID_ARGUMENT', `--from ${values.from} is after --to ${values.to}`);
  if (values.features && !(values.from && values.to)) throw new SpyglassError('INVALID_ARGUMENT', '--features needs --from and --to (the trading days to engineer)');
  let rounds: number | undefined;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!(Number.isInteger(rounds) && rounds > 0)) throw new SpyglassError('INVALID_ARGUMENT', `--rounds must be a positive integer, got ${values.rounds}`);
  }
  return {
    configDir: values['config-dir'],
    ...(values['data-root'] ? { dataRoot: values['data-root'] } : {}),
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    features: values.features,
    walkForward: !values['no-walk-forward'],
    ...(values.queue ? { queue: values.queue } : {}),
    namespace: values.namespace,
    ...(rounds === undefined ? {} : { rounds }),
    ...(values['data-source'] ? { dataSource: values['data-source'] } : {}),
    ...(values['log-level'] ? { logLevel: values['log-level'] } : {}),
    json: values.json,
    help: values.help,
  };
}
