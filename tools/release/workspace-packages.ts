// The publishable packages of the workspace, enumerated from the root package.json's workspaces
// (never a hard-coded list, so a new library is published and checked the day it lands).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A workspace package that is published (not `private`).
 *
 * @example
 * ```ts
 * const core: WorkspacePackage = { name: '@spyglass/core', version: '0.1.0', dir: 'libs/core', subpaths: ['.'] };
 * ```
 */
export interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  /** Directory relative to the workspace root. */
  readonly dir: string;
  /** Its `exports` entry points (`.`, `./xgboost`, …), without `./package.json`. */
  readonly subpaths: readonly string[];
}

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  workspaces?: string[];
  exports?: Record<string, unknown>;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/**
 * Every non-private workspace package, sorted by name. Workspace patterns are `dir` or `dir/*`.
 *
 * @example
 * ```ts
 * for (const p of publishablePackages('.')) console.log(p.name, p.subpaths);
 * ```
 */
export function publishablePackages(root: string): WorkspacePackage[] {
  const dirs = (readJson(join(root, 'package.json')).workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${parent}/${e.name}`);
  });
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, pkg: readJson(join(root, dir, 'package.json')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({
      name: pkg.name,
      version: pkg.version,
      dir,
      subpaths: Object.keys(pkg.exports ?? { '.': null }).filter((k) => k !== './package.json' && !k.includes('*')),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
