import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './__test-support__/cli-process.js';

// The race main.ts had: a signal that arrives while the main thread evaluates the commands' modules
// waits in the queue; the process then goes on synchronously (the old main.ts took its listener off
// here) and only afterwards is the signal dispatched. A child process replays that order exactly:
// signal itself, stay busy, then mark the start done (where the old code called process.off).
const child = (afterStart: string) => `
  import { installStartupSignals } from ${JSON.stringify(join(REPO, 'apps/cli/src/startup-signals.ts'))};
  const signals = installStartupSignals();
  process.kill(process.pid, 'SIGTERM');
  for (const end = Date.now() + 300; Date.now() < end;);
  signals.started();
  ${afterStart}
  setTimeout(() => process.stdout.write('still running\\n'), 1_500);
`;

describe('installStartupSignals (a signal during start-up is never lost)', () => {
  it.each([
    ['no command listener: the process ends with one line and 143', '', 143, /^$/, /^spyglass: STOPPED: stopped by SIGTERM\n$/],
    ['a command that handles SIGTERM itself gets it, and this one steps aside', "process.once('SIGTERM', () => { process.stdout.write('command stops\\n'); process.exit(0); });", 0, /^command stops\n$/, /^$/],
  ])('%s', (_case, afterStart, code, stdout, stderr) => {
    const { NODE_OPTIONS: _jest, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child(afterStart)], { cwd: REPO, env, encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: code, stdout: expect.stringMatching(stdout), stderr: expect.stringMatching(stderr) });
  }, 40_000);
});
