#!/usr/bin/env node
// Fails when a project imports another against the dependency direction of docs/CONTRIBUTING.md,
// imports a sibling by relative path, or uses a workspace package it does not declare.
// Equivalent to Nx module-boundary linting, without pulling ESLint into the workspace.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Which projects each project may import (non-test code). */
export const allowed = {
  core: [],
  features: ['core'],
  storage: ['core'],
  sources: ['core'],
  monitoring: ['core'],
  backtest: ['core'],
  'exchange-sim': ['core', 'features'],
  processing: ['core', 'storage', 'features'],
  ml: ['core', 'features', 'backtest'],
  pipeline: ['core', 'storage', 'sources', 'processing', 'features', 'ml', 'monitoring', 'backtest'],
  dashboard: ['core', 'storage', 'monitoring'],
  cluster: ['core', 'storage', 'sources', 'processing', 'features', 'pipeline'],
};
/** Test peers a spec file may import in addition. */
const testPeers = ['exchange-sim', 'storage', 'processing', 'features'];
const libs = Object.keys(allowed);

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
  for (const file of walk(join(project.dir, 'src'))) {
    const isSpec = /\.spec\.ts$|__test-support__|__fixtures__|\/src\/testing\//.test(file);
    // Comments (JSDoc examples) are blanked, keeping line numbers, so only real imports count.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
      .replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
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
}
if (violations.length > 0) {
  console.error(`module boundaries: ${violations.length} violation(s)`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log(`module boundaries: ok (${projects.length} projects)`);
