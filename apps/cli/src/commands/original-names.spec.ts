import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandDefinition, commandFlags } from '../flag-reference.js';
import { commands } from './index.js';
import { ORIGINAL_COMMANDS, ORIGINAL_FLAGS } from './original-names.js';

/** The top-level command answering to `name` (its own name or an alias) and the flags its builder defines. */
function resolve(name: string): { command: string; flags: string[] } | undefined {
  const found = (commands as readonly CommandDefinition[]).find((c) => {
    const aliases = c.aliases === undefined ? [] : ([] as string[]).concat(c.aliases);
    return String(c.command).split(' ')[0] === name || aliases.includes(name);
  });
  return found && { command: String(found.command), flags: commandFlags(found) };
}

describe("the original's command names", () => {
  it.each(ORIGINAL_COMMANDS.map((c) => [c.original, c.now, c.flags] as const))('%s still runs (now %s) with its flags', (original, now, flags) => {
    const r = resolve(original);
    expect(r).toBeDefined();
    if (!now.startsWith('ml ')) expect(r!.command.split(' ')[0]).toBe(now);
    for (const flag of flags) expect(r!.flags).toContain(flag);
  });
});

describe("the original's flags on commands that kept their name", () => {
  it.each(ORIGINAL_FLAGS.map((c) => [c.command, c.flags] as const))('%s takes %j', (command, flags) => {
    const r = resolve(command);
    for (const flag of flags) expect(r!.flags).toContain(flag);
  });
});

describe('docs/PORTING.md', () => {
  const repo = fileURLToPath(new URL('../../../../', import.meta.url));
  const porting = readFileSync(join(repo, 'docs/PORTING.md'), 'utf8');
  const rows = new Set([...porting.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));

  it('has a row for each of the 43 steps of the original', () => {
    for (let step = 1; step <= 43; step++) expect(rows).toContain(step);
  });

  it('names only paths that exist', () => {
    const paths = [...porting.matchAll(/`((?:libs|apps)\/[^`]+)`/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !existsSync(join(repo, p)))).toEqual([]);
  });

  it("names every renamed command beside its new name", () => {
    for (const c of ORIGINAL_COMMANDS) expect(porting).toContain(`(was \`${c.original}\`)`);
  });

  it("covers every \"the original's step N\" the code refers to", () => {
    const referred = new Set<number>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/original'?s? steps? (\d+)(?:[–-](\d+))?/g)) {
            const from = Number(m[1]);
            for (let s = from; s <= Number(m[2] ?? from); s++) referred.add(s);
          }
        }
      }
    };
    walk(join(repo, 'libs'));
    walk(join(repo, 'apps'));
    expect(referred.size).toBeGreaterThan(5);
    for (const step of referred) expect(rows).toContain(step);
  });
});

describe('command definitions', () => {
  it("declare their builders through defineCommand, without 'as never' casts", () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && /\)\s*as never,\n\s*handler/.test(readFileSync(p, 'utf8'))) offenders.push(e.name);
      }
    };
    walk(dir);
    expect(offenders).toEqual([]);
  });
});
