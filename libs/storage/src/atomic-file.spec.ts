import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileAtomic, stageNewFiles, writeFileAtomic, type StreamedContent } from './atomic-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spyglass-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 9 MB in chunks of mixed sizes (tiny headers, 100 KB pages), so gathering and the intermediate data syncs all run. */
function chunks(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; out.reduce((n, c) => n + c.length, 0) < 9 << 20; k++) {
    out.push(Uint8Array.from({ length: 17 }, (_, i) => (k + i) & 0xff));
    out.push(new Uint8Array(100_000).fill(k & 0xff));
  }
  return out;
}

const streamed = (parts: readonly Uint8Array[], failAfter = Infinity): StreamedContent => (write) => {
  parts.forEach((p, k) => {
    // A writer dying between row groups: some pages are in the temp file, the footer never is.
    if (k === failAfter) throw new Error('encoder failed');
    write(p);
  });
};

describe.each([
  ['writeFileAtomic', (f: string, c: StreamedContent, fsync: boolean) => writeFileAtomic(f, c, { fsync })],
  ['createFileAtomic', (f: string, c: StreamedContent, fsync: boolean) => createFileAtomic(f, c, { fsync })],
  ['createFileAtomic (non-blocking)', (f: string, c: StreamedContent, fsync: boolean) => createFileAtomic(f, c, { fsync, nonBlocking: true })],
])('%s with streamed content', (_name, write) => {
  it.each([true, false])('writes the chunks in order (fsync %s) and leaves no temp file', async (fsync) => {
    const parts = chunks();
    const file = path.join(dir, 'part-0.parquet');
    await write(file, streamed(parts), fsync);
    expect(Buffer.compare(await readFile(file), Buffer.concat(parts))).toBe(0);
    expect(await readdir(dir)).toEqual(['part-0.parquet']);
  });

  it('fails without a file in place or a temp file left when the content fails half-way', async () => {
    const parts = chunks();
    const file = path.join(dir, 'part-0.parquet');
    await expect(write(file, streamed(parts, 70), true)).rejects.toThrow('encoder failed');
    expect(await readdir(dir)).toEqual([]);
  });
});

it('writeFileAtomic keeps the previous file intact when streamed content fails between row groups', async () => {
  const file = path.join(dir, 'part-0.parquet');
  await writeFile(file, 'old content');
  await expect(writeFileAtomic(file, streamed(chunks(), 70))).rejects.toThrow('encoder failed');
  expect(await readFile(file, 'utf8')).toBe('old content');
  expect(await readdir(dir)).toEqual(['part-0.parquet']);
});

describe('stageNewFiles', () => {
  it.each([true, false])('shows nothing before commit, then links each file (an existing one is left alone), fsync %s', async (fsync) => {
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, n));
    const staged = await stageNewFiles(files.map((file, k) => ({ file, content: k === 1 ? `text ${k}` : streamed(chunks().slice(0, 3 + k)) })), { fsync });
    expect((await readdir(dir)).filter((n) => !n.endsWith('.tmp'))).toEqual([]);
    // Another writer creates c meanwhile: it is kept, not replaced.
    await writeFile(files[2]!, 'theirs');
    expect(await staged.commit()).toEqual(['created', 'created', 'exists']);
    expect((await readdir(dir)).sort()).toEqual(['a', 'b', 'c']);
    expect(Buffer.compare(await readFile(files[0]!), Buffer.concat(chunks().slice(0, 3)))).toBe(0);
    expect(await readFile(files[1]!, 'utf8')).toBe('text 1');
    expect(await readFile(files[2]!, 'utf8')).toBe('theirs');
  });

  it('removes every temp file it made when a content fails', async () => {
    const files = ['a', 'b'].map((n) => path.join(dir, n));
    await expect(stageNewFiles([{ file: files[0]!, content: 'fine' }, { file: files[1]!, content: streamed(chunks(), 60) }])).rejects.toThrow('encoder failed');
    expect(await readdir(dir)).toEqual([]);
  });
});
