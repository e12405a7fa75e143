import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry.js';

describe('workerEntry', () => {
  it('names the compiled .js sibling when the caller runs compiled', () => {
    expect(workerEntry('file:///app/dist/train-in-worker.js', 'train-worker')).toEqual({ script: new URL('file:///app/dist/train-worker.js'), eval: false });
  });

  it('bootstraps tsx before importing the .ts sibling when the caller runs from sources, and that worker runs', async () => {
    const self = new URL('./worker-entry.ts', import.meta.url).href;
    const entry = workerEntry(self, 'worker-entry');
    expect(entry.eval).toBe(true);
    expect(String(entry.script)).toContain(JSON.stringify(new URL('./worker-entry.ts', self).href));
    // The bootstrap really starts: it registers tsx and imports this module's TypeScript source.
    const worker = new Worker(entry.script, { eval: entry.eval });
    const code = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', resolve);
    });
    expect(code).toBe(0);
  });
});
