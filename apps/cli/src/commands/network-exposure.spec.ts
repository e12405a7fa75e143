// `--host 0.0.0.0` on a server command prints a warning that it is reachable from the network.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../__test-support__/run-cli.js';

/** Runs a server command in-process until it has printed, then stops it through its own SIGINT listener. */
async function serverOutput(...argv: string[]): Promise<{ stderr: string; stdout: string }> {
  const errs: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (errs.push(String(chunk)), true)) as typeof process.stderr.write;
  const before = new Set(process.listeners('SIGINT'));
  try {
    const running = runCli(...argv);
    const deadline = Date.now() + 20_000;
    let mine: Array<(s: NodeJS.Signals) => void> = [];
    while (mine.length === 0) {
      if (Date.now() > deadline) throw new Error(`server did not start; stderr: ${errs.join('')}`);
      await new Promise((r) => setTimeout(r, 20));
      mine = process.listeners('SIGINT').filter((l) => !before.has(l)) as typeof mine;
    }
    for (const l of mine) {
      process.off('SIGINT', l);
      l('SIGINT');
    }
    const stdout = await running;
    return { stderr: errs.join(''), stdout };
  } finally {
    process.stderr.write = write;
  }
}

describe('servers bound beyond the loopback warn', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-expose-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it.each([
    ['sim serve', ['sim', 'serve'], 'the exchange simulator'],
    ['dashboard', ['dashboard'], 'the dashboard'],
  ])('%s --host 0.0.0.0 prints the warning; on 127.0.0.1 it does not', async (_name, cmd, what) => {
    const exposed = await serverOutput(...cmd, '--host', '0.0.0.0', '--port', '0', '--data-root', root, '--log-level', 'silent');
    expect(exposed.stderr).toContain(`WARNING: ${what} listens on 0.0.0.0: it is now reachable from the network`);
    const local = await serverOutput(...cmd, '--host', '127.0.0.1', '--port', '0', '--data-root', root, '--log-level', 'silent');
    expect(local.stderr).not.toContain('WARNING');
  });
});
