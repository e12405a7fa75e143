// `spyglass discover` against the exchange simulator, in-process as main.ts wires it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { runCli } from '../__test-support__/run-cli.js';

describe('discover saves the contracts it found as JSON (as the original did)', () => {
  let sim: ExchangeSim;
  let root: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, port: 0 });
    root = await mkdtemp(join(tmpdir(), 'spyglass-discover-'));
    Object.assign(process.env, { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url });
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
    await rm(root, { recursive: true, force: true });
  });

  it('writes <data-root>/reports/discover/contracts_<date>.json with every listed contract', async () => {
    const out = JSON.parse(await runCli('discover', '--date', '2025-03-04', '--rate-limit', '0', '--data-root', root, '--log-level', 'silent', '--json')) as {
      saved: string; listed: number; calls: string[];
    };
    expect(out.saved).toBe(join(root, 'reports', 'discover', 'contracts_2025-03-04.json'));
    const file = JSON.parse(await readFile(out.saved, 'utf8')) as { date: string; calls: string[]; contracts: Array<{ ticker: string; strike: number }> };
    expect(file.date).toBe('2025-03-04');
    expect(file.calls).toEqual(out.calls);
    expect(out.listed).toBeGreaterThan(0);
    expect(file.contracts).toHaveLength(out.listed);
    for (const c of file.contracts) expect(c.ticker).toMatch(/^O:SPY250304[CP]\d{8}$/);
  });

  it('writes where --output says', async () => {
    const path = join(root, 'mine.json');
    await runCli('discover', '--date', '2025-03-04', '--output', path, '--rate-limit', '0', '--data-root', root, '--log-level', 'silent', '--json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ date: '2025-03-04' });
  });
});
