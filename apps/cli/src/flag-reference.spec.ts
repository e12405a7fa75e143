import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { commands } from './commands/index.js';
import { type CommandDefinition, FLAG_REFERENCE_END, FLAG_REFERENCE_START, renderFlagReference, replaceFlagReference } from './flag-reference.js';
import { globalOptions } from './output.js';

describe('the flag reference in apps/cli/README.md', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const reference = renderFlagReference(commands, globalOptions);

  it('is what the yargs definitions generate (run `npm run flag-reference -w @spyglass/cli` after a build when this fails)', () => {
    expect(readme).toContain(FLAG_REFERENCE_START);
    expect(replaceFlagReference(readme, reference)).toBe(readme);
  });

  it('lists every command, nested ones and aliases, with their flags', () => {
    for (const heading of ['### `spyglass backfill` (also: `download-minute`)', '### `spyglass ml train`', '### `spyglass sim stats`', '### `spyglass workers stop <id>`']) {
      expect(reference).toContain(heading);
    }
    expect(reference).toContain('| `--start-date` |');
    expect(reference).toContain('| `--config-dir` | string | `"config"` |');
  });

  it('drifts, and the check says so, when a command gains a flag', () => {
    const extra: CommandDefinition = { command: 'x', describe: 'x', builder: (y: Argv) => y.option('new-flag', { type: 'number' }) };
    const drifted = renderFlagReference([...commands, extra], globalOptions);
    expect(replaceFlagReference(readme, drifted)).not.toBe(readme);
    expect(drifted).toContain('| `--new-flag` | number |');
  });

  it('replaces only what lies between the markers', () => {
    const text = `intro\n${FLAG_REFERENCE_START}\nold\n${FLAG_REFERENCE_END}\noutro\n`;
    expect(replaceFlagReference(text, 'new\n')).toBe(`intro\n${FLAG_REFERENCE_START}\nnew\n${FLAG_REFERENCE_END}\noutro\n`);
  });
});
