import { isSpyglassError } from '@spyglass/core';
import { parseTrainerArgs } from './trainer-args.js';

describe('parseTrainerArgs', () => {
  it('defaults to the config directory, walk-forward on, human output', () => {
    expect(parseTrainerArgs([])).toEqual({ configDir: 'config', features: false, walkForward: true, namespace: 'spyglass', json: false, help: false });
  });

  it('decodes every option', () => {
    const argv = ['--config-dir', 'c', '--data-root', 'd', '--from', '2025-01-02', '--to', '2025-02-07', '--features', '--no-walk-forward', '--rounds', '40', '--data-source', 'sim', '--log-level', 'warn', '--json', '--queue', 'redis://10.0.0.5:6379', '--namespace', 'prod'];
    expect(parseTrainerArgs(argv)).toEqual({
      configDir: 'c',
      dataRoot: 'd',
      from: '2025-01-02',
      to: '2025-02-07',
      features: true,
      walkForward: false,
      queue: 'redis://10.0.0.5:6379',
      namespace: 'prod',
      rounds: 40,
      dataSource: 'sim',
      logLevel: 'warn',
      json: true,
      help: false,
    });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--from', '02/01/2025'], /--from 02\/01\/2025 is not a YYYY-MM-DD date/],
    [['--from', '2025-02-07', '--to', '2025-01-02'], /--from 2025-02-07 is after --to 2025-01-02/],
    [['--features', '--from', '2025-01-02'], /--features needs --from and --to/],
    [['--rounds', '0'], /--rounds must be a positive integer, got 0/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('%j is refused with INVALID_ARGUMENT', (argv, message) => {
    let error: unknown;
    try {
      parseTrainerArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(isSpyglassError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
