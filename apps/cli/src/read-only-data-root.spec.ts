import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { runCli } from './__test-support__/cli-process.js';

// A root that cannot be written. chmod does not deny root (CI runs as root), so there a read-only
// bind mount is used; where mount is not permitted either, the read-only cases are skipped and say why.
function readOnlyRoot(): { path: string; release: () => void } | { skip: string } {
  const base = mkdtempSync(join(tmpdir(), 'spyglass-ro-'));
  const path = join(base, 'data');
  mkdirSync(path);
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555);
    return { path, release: () => (chmodSync(path, 0o755), rmSync(base, { recursive: true, force: true })) };
  }
  try {
    execFileSync('mount', ['--bind', '-o', 'ro', path, path], { stdio: 'pipe' });
  } catch (e) {
    return { skip: `running as root and 'mount --bind -o ro' is not permitted here (${(e as Error).message.split('\n')[0]}): read-only root cases skipped` };
  }
  return { path, release: () => (execFileSync('umount', [path]), rmSync(base, { recursive: true, force: true })) };
}

const DAY = ['--start-date', '2025-03-03', '--end-date', '2025-03-03'];
const ro = readOnlyRoot();
if ('skip' in ro) console.warn(ro.skip);
const fileRoot = join(mkdtempSync(join(tmpdir(), 'spyglass-file-root-')), 'data');
writeFileSync(fileRoot, 'a file where the data root should be');

// Every command that writes under the data root, with the words it is named by in the message.
const writing: Array<[string, string[]]> = [
  ['backfill', ['backfill', ...DAY]],
  ['backfill-all', ['backfill-all', ...DAY, '--workers', '1']],
  ['backfill-vix', ['backfill-vix', ...DAY]],
  ['backfill-news', ['backfill-news', ...DAY]],
  ['download-options', ['download-options', ...DAY]],
  ['discover', ['discover', '--date', '2025-03-03']],
  ['consolidate', ['consolidate', ...DAY]],
  ['prepare-training', ['prepare-training']],
  ['scan-options', ['scan-options']],
  ['ml generate-features', ['ml', 'generate-features']],
  ['ml train', ['ml', 'train']],
  ['schema-baseline', ['schema-baseline']],
  ['purge', ['purge', '--apply']],
  ['stream', ['stream']],
];

describe('a data root that cannot be written (real CLI, simulator)', () => {
  let sim: ExchangeSim;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 4, apiKeys: ['good'] });
    env = { MASSIVE_API_KEY: 'good', MASSIVE_REST_URL: sim.url, MASSIVE_WS_URL: sim.wsUrl, SPYGLASS_LOG_LEVEL: 'error' };
  });
  afterAll(async () => {
    await sim.close();
    if ('release' in ro) ro.release();
  });
  const requests = () => Object.values(sim.stats().requests).reduce((a, b) => a + b, 0);

  (('path' in ro ? it.concurrent.each : it.skip.each) as typeof it.concurrent.each)(writing)('%s on a read-only root: one STORAGE line (what, where, why, what to do), exit 1, no request', async (name, args) => {
    const root = (ro as { path: string }).path;
    const before = requests();
    const r = await runCli(['--data-root', root, ...args], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: `spyglass: STORAGE: data root ${root} is not writable: ${process.getuid?.() === 0 ? 'it is on a read-only file system (EROFS)' : 'permission denied (EACCES)'}; \`spyglass ${name}\` writes there — make it writable or pass --data-root <a writable directory> (settings.yaml dataRoot)\n`,
    });
    expect(requests()).toBe(before);
  }, 120_000);

  it.each([writing[0], writing[6]])('%s with a file where the data root should be names the file', async (name, args) => {
    const r = await runCli(['--data-root', join(fileRoot, 'nested'), ...args], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`^spyglass: STORAGE: data root \\S+/nested is not writable \\(at ${fileRoot.replace(/[/.]/g, '\\$&')}\\): a file is where a directory is expected \\(ENOTDIR\\); \`spyglass ${name}\``)),
    });
  }, 120_000);

  (('path' in ro ? it.each : it.skip.each) as typeof it.each)([['health'], ['verify'], ['report-space'], ['purge']])('%s only reads: it still works on a read-only root', async (cmd) => {
    const r = await runCli(['--data-root', (ro as { path: string }).path, cmd], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }, 120_000);
});
