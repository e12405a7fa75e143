import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileAtomic, writeFileAtomic } from './atomic-file.js';

// A real full disk: a 64 KiB tmpfs (needs root, as CI runs; elsewhere the suite says why it did not run).
const mnt = mkdtempSync(join(tmpdir(), 'spyglass-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  process.stderr.write(`disk-full.spec: cannot mount a tmpfs at ${mnt} (not root?); these cases did not run\n`);
}
const describeMounted = mounted ? describe : describe.skip;

describeMounted('a full disk (ENOSPC) leaves no temp files behind', () => {
  afterAll(() => {
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  const temps = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((n) => n.endsWith('.tmp'));

  it.each([
    ['writeFileAtomic', (f: string) => writeFileAtomic(f, Buffer.alloc(200_000, 1))],
    ['createFileAtomic', (f: string) => createFileAtomic(f, Buffer.alloc(200_000, 1))],
  ])('%s fails with the error and removes its temp file', async (_name, write) => {
    await expect(write(join(mnt, 'big.bin'))).rejects.toThrow(/ENOSPC|no space/i);
    expect(temps(mnt)).toEqual([]);
  });
});
