#!/usr/bin/env node
// Fails when a project imports another against the dependency table (tools/module-boundaries.json:
// Nx tag constraints over the tags in each package.json), imports a sibling by relative path, uses a
// workspace package it does not declare, or declares a dependency it does not use (a runtime
// dependency used only by tests belongs in devDependencies).
// Equivalent to Nx module-boundary linting, without pulling ESLint into the workspace.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const rules = JSON.parse(readFileSync(new URL('./module-boundaries.json', import.meta.url), 'utf8'));
const libs = readdirSync('libs').filter((n) => existsSync(join('libs', n, 'package.json')));
const tagsOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).nx?.tags ?? [];
const libTags = new Map(libs.map((n) => [n, tagsOf(join('libs', n))]));
/** The tags a project may import, from the Nx tag constraints of its own tags (all must hold). */
const allowedTags = (tags) => rules.depConstraints.filter((c) => tags.includes(c.sourceTag)).map((c) => c.onlyDependOnLibsWithTags);
const mayImport = (tags, dep) => allowedTags(tags).every((allowed) => allowed.some((t) => libTags.get(dep)?.includes(t)));
/** Which projects each project may import (non-test code), as the constraints resolve it. */
export const allowed = Object.fromEntries(libs.map((n) => [n, libs.filter((d) => d !== n && mayImport(libTags.get(n), d))]));
/** Test peers a spec file may import in addition. */
const testPeers = libs.filter((n) => rules.testPeers.some((t) => libTags.get(n).includes(t)));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts') || p.endsWith('.mts') || p.endsWith('.mjs')) yield p;
  }
}

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
const violations = [];
const projects = [
  ...libs.map((n) => ({ name: n, dir: join('libs', n), kind: 'lib' })),
  ...readdirSync('apps').map((n) => ({ name: n, dir: join('apps', n), kind: 'app' })),
];
for (const project of projects) {
  const pkg = JSON.parse(readFileSync(join(project.dir, 'package.json'), 'utf8'));
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const tags = pkg.nx?.tags ?? [];
  if (!tags.some((t) => t.startsWith('scope:')) || !tags.some((t) => t.startsWith('type:'))) violations.push(`${project.dir}/package.json: nx.tags needs a scope:<name> and a type:<lib|app> tag`);
  const usedAtRuntime = new Set();
  const usedAnywhere = new Set();
  let sources = '';
  for (const file of walk(join(project.dir, 'src'))) {
    const isSpec = /\.spec\.ts$|__test-support__|__fixtures__|\/src\/testing\//.test(file);
    // Comments (JSDoc examples) are blanked, keeping line numbers, so only real imports count.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
      .replace(/^\s*\/\/.*$/gm, '');
    sources += text;
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const pkgName = /^(@[^/]+\/[^/]+|[^@./][^/]*)/.exec(spec)?.[1];
      if (pkgName) {
        usedAnywhere.add(pkgName);
        if (!isSpec) usedAtRuntime.add(pkgName);
      }
      const line = text.slice(0, m.index).split('\n').length;
      const where = `${file}:${line}`;
      if (spec.startsWith('.')) {
        const target = relative(project.dir, join(file, '..', spec));
        if (target.startsWith('..')) violations.push(`${where}: relative import '${spec}' leaves ${project.dir}; import the package instead`);
        continue;
      }
      const ours = /^@spyglass\/([a-z-]+)/.exec(spec);
      if (!ours) continue;
      const dep = ours[1];
      if (!declared.has(`@spyglass/${dep}`)) violations.push(`${where}: imports @spyglass/${dep} which ${project.dir}/package.json does not declare`);
      if (project.kind === 'app') {
        if (!libs.includes(dep)) violations.push(`${where}: an app may import only libraries, not @spyglass/${dep}`);
        continue;
      }
      const ok = allowed[project.name].includes(dep) || (isSpec && testPeers.includes(dep) && dep !== project.name);
      if (!ok) violations.push(`${where}: ${project.name} may not import @spyglass/${dep} (allowed: ${allowed[project.name].join(', ') || 'none'})`);
    }
  }
  // Declared but unused. Type packages are used through their runtime package; a package named in a
  // string (a pino transport target, a worker entry, a file resolved inside it) counts as used.
  const runtimeTypes = (name) => name.startsWith('@types/') && [...usedAtRuntime].some((u) => name === `@types/${u.replace(/^@([^/]+)\//, '$1__')}`);
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (usedAtRuntime.has(name) || runtimeTypes(name)) continue;
    if (usedAnywhere.has(name)) violations.push(`${project.dir}/package.json: dependency ${name} is used only by tests; move it to devDependencies`);
    else if (!name.startsWith('@types/') && !sources.includes(`'${name}'`) && !sources.includes(`'${name}/`)) violations.push(`${project.dir}/package.json: dependency ${name} is declared but never imported`);
  }
  for (const name of Object.keys(pkg.devDependencies ?? {})) {
    if (name.startsWith('@spyglass/') && !usedAnywhere.has(name)) violations.push(`${project.dir}/package.json: devDependency ${name} is declared but never imported`);
  }
}
if (violations.length > 0) {
  console.error(`module boundaries: ${violations.length} violation(s)`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log(`module boundaries: ok (${projects.length} projects)`);
