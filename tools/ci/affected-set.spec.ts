// The affected-only CI (`nx affected`) selects the right projects: in a scratch clone, a change to
// libs/features selects exactly features and everything that depends on it (directly or not), and a
// change to apps/trainer selects only the trainer. The expected sets are computed here from the
// package.json dependency graph, independently of Nx.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

interface Project {
  readonly nxName: string;
  readonly npmName: string;
  readonly deps: readonly string[];
}

/** Every workspace project with its Nx name and its @spyglass/* dependencies (runtime and dev). */
function workspaceProjects(root: string): Project[] {
  return ['libs', 'apps'].flatMap((parent) =>
    readdirSync(join(root, parent)).map((dir) => {
      const pkg = JSON.parse(readFileSync(join(root, parent, dir, 'package.json'), 'utf8')) as {
        name: string;
        nx?: { name?: string };
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => d.startsWith('@spyglass/'));
      return { nxName: pkg.nx?.name ?? pkg.name, npmName: pkg.name, deps };
    }),
  );
}

/** `start` and every project that reaches it through dependencies. */
function withDependents(projects: readonly Project[], start: string): string[] {
  const byNpm = new Map(projects.map((p) => [p.npmName, p.nxName]));
  const selected = new Set([start]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of projects) {
      if (!selected.has(p.nxName) && p.deps.some((d) => selected.has(byNpm.get(d) ?? ''))) {
        selected.add(p.nxName);
        grew = true;
      }
    }
  }
  return [...selected].sort();
}

describe('nx affected in a scratch clone', () => {
  const clone = mkdtempSync(join(tmpdir(), 'spyglass-affected-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_CACHE_DIRECTORY: join(clone, '.nx/cache') };
  const affected = (): string[] =>
    JSON.parse(
      execFileSync(join(ROOT, 'node_modules/.bin/nx'), ['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json'], { cwd: clone, env, encoding: 'utf8' }),
    ).sort();

  beforeAll(() => {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
    // The clone shares the installed packages; workspace links are relative, so they point into the clone.
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    git('config', 'user.email', 'ci@example.invalid');
    git('config', 'user.name', 'affected-set test');
  }, 300_000);
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('a change to libs/features selects exactly features and its dependents', () => {
    const projects = workspaceProjects(clone);
    appendFileSync(join(clone, 'libs/features/src/index.ts'), '\n// touched by the affected-set test\n');
    git('commit', '-qam', 'test: touch features');
    const expected = withDependents(projects, 'features');
    expect(expected).toEqual(expect.arrayContaining(['features', 'processing', 'ml', 'pipeline', 'cli', 'trainer']));
    expect(expected).not.toContain('core');
    expect(affected()).toEqual(expected);
  }, 300_000);

  it('the workflow runs nx affected on targets every project has, from the nx-set-shas base', () => {
    const workflow = readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8');
    expect(workflow).toContain('nrwl/nx-set-shas@');
    expect(workflow).toContain('path: .nx/cache');
    const [, targets] = /nx affected -t ([\w,-]+) --base="\$NX_BASE" --head="\$NX_HEAD"/.exec(workflow) ?? [];
    expect(targets?.split(',')).toEqual(['build', 'typecheck', 'test']);
    for (const parent of ['libs', 'apps']) {
      for (const dir of readdirSync(join(ROOT, parent))) {
        const { scripts } = JSON.parse(readFileSync(join(ROOT, parent, dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
        expect([`${parent}/${dir}`, ...['build', 'typecheck', 'test'].filter((t) => scripts?.[t])]).toEqual([`${parent}/${dir}`, 'build', 'typecheck', 'test']);
      }
    }
  });

  it('a change to apps/trainer selects only the trainer', () => {
    appendFileSync(join(clone, 'apps/trainer/src/main.ts'), '\n// touched by the affected-set test\n');
    git('commit', '-qam', 'test: touch trainer');
    expect(affected()).toEqual(['trainer']);
  }, 300_000);
});
