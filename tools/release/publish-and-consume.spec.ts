// Publishing proven: every @spyglass/* package is packed, linted (publint, attw), published to a
// local Verdaccio with no uplinks, installed by plain `npm install` into a fresh strict TypeScript
// project outside the workspace, compiled with skipLibCheck off, and exercised by one small
// program per library. Third-party dependencies come from the npm cache (--prefer-offline), or
// the public registry for anything the cache lacks; @spyglass/* can only come from the local one.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { runCommand } from './run-command.js';
import { publishablePackages, type WorkspacePackage } from './workspace-packages.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PROGRAMS = join(ROOT, 'tools/release/consumer-programs');
const BIN = (name: string) => join(ROOT, 'node_modules/.bin', name);
const ARTIFACTS = process.env.SPYGLASS_ARTIFACTS_DIR ?? join(ROOT, '.ci-output');

interface TarballReport {
  name: string;
  tarball: string;
  sizeBytes: number;
  unpackedBytes: number;
  files: number;
  publint: string;
  attw: string;
}

/** Runs `tasks` at most `limit` at a time (attw loads TypeScript per run: CPU-bound). */
async function inBatches<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

describe('publish and consume every @spyglass/* package', () => {
  const work = mkdtempSync(join(tmpdir(), 'spyglass-publish-'));
  const tarballs = join(work, 'tarballs');
  const consumer = join(work, 'consumer');
  const packages: WorkspacePackage[] = publishablePackages(ROOT);
  const packedPaths = new Map<string, Set<string>>();
  const reports = new Map<string, TarballReport>();
  let registry: LocalRegistry | undefined;

  beforeAll(async () => {
    mkdirSync(tarballs, { recursive: true });
    await runCommand(BIN('tsc'), ['-b', 'tsconfig.json'], { cwd: ROOT, timeoutMs: 600_000 });
    for (const p of packages) {
      const { stdout } = await runCommand('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: join(ROOT, p.dir), timeoutMs: 120_000 });
      const [info] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
      packedPaths.set(p.name, new Set(info!.files.map((f) => f.path)));
      reports.set(p.name, { name: p.name, tarball: join(tarballs, info!.filename), sizeBytes: info!.size, unpackedBytes: info!.unpackedSize, files: info!.files.length, publint: '', attw: '' });
    }
    registry = await startLocalRegistry(join(work, 'registry'));
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'publish-report.json'), `${JSON.stringify([...reports.values()], null, 2)}\n`);
    const table = [...reports.values()].map((r) => `  ${r.name.padEnd(24)} ${(r.sizeBytes / 1024).toFixed(1).padStart(7)} kB packed ${(r.unpackedBytes / 1024).toFixed(1).padStart(8)} kB unpacked ${String(r.files).padStart(4)} files  publint: ${r.publint || '-'}  attw: ${r.attw || '-'}`);
    process.stdout.write(`publish-and-consume:\n${table.join('\n')}\n`);
    rmSync(work, { recursive: true, force: true });
  });

  it('enumerates the workspace packages (libraries, not the private apps)', () => {
    expect(packages.length).toBeGreaterThanOrEqual(10);
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@spyglass/core', '@spyglass/ml', '@spyglass/sources']));
    expect(packages.every((p) => p.dir.startsWith('libs/'))).toBe(true);
  });

  it('ships the sources its source maps point at, and no test files', () => {
    const broken: string[] = [];
    for (const p of packages) {
      const paths = packedPaths.get(p.name)!;
      for (const map of [...paths].filter((f) => f.endsWith('.map'))) {
        const { sources } = JSON.parse(readFileSync(join(ROOT, p.dir, map), 'utf8')) as { sources: string[] };
        for (const source of sources) {
          const target = posix.normalize(posix.join(posix.dirname(map), source));
          if (!paths.has(target)) broken.push(`${p.name}: ${map} -> ${target} (not packed: a stale dist file? npm run clean && npm run build)`);
        }
      }
      broken.push(...[...paths].filter((f) => /\.spec\.|__fixtures__|__test-support__/.test(f)).map((f) => `${p.name}: ships test file ${f}`));
    }
    expect(broken).toEqual([]);
  });

  it('every tarball passes publint --strict and attw (ESM: node16 and bundler)', async () => {
    const failures = await inBatches(
      2,
      [...reports.values()].map((r) => async () => {
        const lint = await runCommand(BIN('publint'), ['run', r.tarball, '--strict'], { cwd: work, allowFailure: true, timeoutMs: 120_000 });
        r.publint = lint.code === 0 ? (/All good/.test(lint.stdout) ? 'all good' : 'ok (suggestions)') : 'FAILED';
        const types = await runCommand(BIN('attw'), [r.tarball, '--profile', 'esm-only', '--format', 'json'], { cwd: work, allowFailure: true, timeoutMs: 180_000 });
        const problems = (JSON.parse(types.stdout || '{}') as { analysis?: { problems?: { resolutionKind?: string }[] } }).analysis?.problems ?? [];
        const counted = problems.filter((x) => x.resolutionKind !== 'node10' && x.resolutionKind !== 'node16-cjs');
        r.attw = types.code === 0 ? `no problems (node16-esm, bundler)${problems.length ? `; ${problems.length} CJS-only notes ignored` : ''}` : `FAILED (${counted.length})`;
        return [lint.code === 0 ? '' : `${r.name} publint:\n${lint.stdout}${lint.stderr}`, types.code === 0 ? '' : `${r.name} attw: ${JSON.stringify(counted)}`].filter(Boolean);
      }),
    );
    expect(failures.flat()).toEqual([]);
  }, 900_000);

  it('publishes every package with nx release to the local registry and installs them into a strict consumer', async () => {
    const npmrc = join(work, 'publish.npmrc');
    const host = registry!.url.replace(/^http:/, '');
    writeFileSync(npmrc, `registry=${registry!.url}/\n${host}/:_authToken=${registry!.token}\n`);
    // Published with the release tooling, as a maintainer would: `nx release publish` (fixed group).
    await runCommand(BIN('nx'), ['release', 'publish', '--registry', `${registry!.url}/`], {
      cwd: ROOT,
      env: { ...process.env, NPM_CONFIG_USERCONFIG: npmrc, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
      timeoutMs: 600_000,
    });
    for (const p of packages) {
      const doc = (await (await fetch(`${registry!.url}/${p.name.replace('/', '%2f')}`)).json()) as { versions?: Record<string, unknown> };
      expect(Object.keys(doc.versions ?? {})).toEqual([p.version]);
    }

    // The consumer: outside the workspace, its own package.json and .npmrc, @spyglass scoped to the local registry.
    mkdirSync(join(consumer, 'src'), { recursive: true });
    const typesNode = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string }).version;
    writeFileSync(join(consumer, '.npmrc'), `@spyglass:registry=${registry!.url}/\n`);
    writeFileSync(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'spyglass-consumer', private: true, type: 'module', dependencies: Object.fromEntries(packages.map((p) => [p.name, p.version])), devDependencies: { '@types/node': typesNode } }, null, 2)}\n`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2023'], module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, types: ['node'], outDir: 'dist', rootDir: 'src' }, include: ['src'] }, null, 2)}\n`,
    );
    await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumer, timeoutMs: 600_000 });
    for (const p of packages) {
      const installed = JSON.parse(readFileSync(join(consumer, 'node_modules', p.name, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version).toBe(p.version);
    }
  }, 900_000);

  it('compiles against the published types (strict, skipLibCheck off) and runs one program per library', async () => {
    const programs = readdirSync(PROGRAMS).filter((f) => f.endsWith('.ts'));
    for (const f of programs) copyFileSync(join(PROGRAMS, f), join(consumer, 'src', f));
    // Every entry point of every package (subpaths included) must import and export something.
    const entries = packages.flatMap((p) => p.subpaths.map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`)));
    writeFileSync(
      join(consumer, 'src', 'entry-points.ts'),
      [
        "import assert from 'node:assert/strict';",
        ...entries.map((e, i) => `import * as entry${i} from '${e}';`),
        `const entries = { ${entries.map((e, i) => `'${e}': entry${i}`).join(', ')} };`,
        'for (const [name, m] of Object.entries(entries)) assert.ok(Object.keys(m).length > 0, `${name} exports nothing`);',
        'console.log(`entry points: ${Object.keys(entries).length} import`);',
        '',
      ].join('\n'),
    );
    await runCommand(BIN('tsc'), ['-p', 'tsconfig.json'], { cwd: consumer, timeoutMs: 300_000 });
    const ran: string[] = [];
    for (const f of [...programs, 'entry-points.ts']) {
      const { stdout } = await runCommand(process.execPath, [join('dist', f.replace(/\.ts$/, '.js'))], { cwd: consumer, timeoutMs: 120_000 });
      ran.push(stdout.trim().split('\n').at(-1)!);
    }
    process.stdout.write(`consumer programs:\n  ${ran.join('\n  ')}\n`);
    expect(ran).toHaveLength(programs.length + 1);
    expect(ran.at(-1)).toBe(`entry points: ${entries.length} import`);
  }, 900_000);
});
