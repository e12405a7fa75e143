import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertWritableDataRoot } from './writable-data-root.js';

const base = mkdtempSync(join(tmpdir(), 'spyglass-writable-'));
const file = join(base, 'a-file');
writeFileSync(file, 'not a directory');

describe('assertWritableDataRoot', () => {
  it('creates a missing root, nested, and passes', () => {
    const root = join(base, 'new', 'nested', 'data');
    assertWritableDataRoot(root, 'backfill');
    expect(existsSync(root)).toBe(true);
  });

  it.each([
    ['the root is a file', file, file, 'EEXIST'],
    ['a file is an ancestor of the root', join(file, 'data'), file, 'ENOTDIR'],
  ])('fails with STORAGE naming the command, the path and why when %s', (_case, root, culprit, errno) => {
    expect(() => assertWritableDataRoot(root, 'backfill')).toThrow(
      expect.objectContaining({
        code: 'STORAGE',
        message: expect.stringMatching(new RegExp(`^data root ${root.replace(/[/.]/g, '\\$&')} is not writable.*a file is where a directory is expected \\(${errno}\\); \`spyglass backfill\` writes there`)),
        details: { root, path: culprit, errno, command: 'backfill' },
      }),
    );
  });

  it('passes over writable layout directories and ignores missing ones', () => {
    const root = mkdtempSync(join(base, 'root-'));
    mkdirSync(join(root, 'raw'));
    expect(() => assertWritableDataRoot(root, 'consolidate', [join(root, 'raw'), join(root, 'processed')])).not.toThrow();
  });
});
