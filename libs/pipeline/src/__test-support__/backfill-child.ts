// A backfill in its own process, for kill -9 trials: argv = restUrl dataRoot from to.
import { Ingestion } from '../ingestion.js';
import { testSettings } from './test-settings.js';

const [restBaseUrl, dataRoot, from, to] = process.argv.slice(2) as [string, string, string, string];
const ingestion = new Ingestion(testSettings({ restBaseUrl, dataRoot }));
await ingestion.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from, to, resume: true });
process.stdout.write('done\n');
