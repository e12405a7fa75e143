// Child process of the checkpoint crash test: marks dates complete in a tight loop until killed.
import { CheckpointStore } from '../index.js';

const [dir] = process.argv.slice(2);
const cp = new CheckpointStore({ dir });
for (let i = 0; ; i++) {
  await cp.markComplete('backfill', 'SPY', `d${String(i).padStart(6, '0')}`, { rows: i, note: 'x'.repeat(200) });
  if (i === 20) process.stdout.write('running\n');
}
