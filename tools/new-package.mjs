#!/usr/bin/env node
// Scaffolds a publishable library or an app: `node tools/new-package.mjs lib <name> "<description>" [dep ...]`.
// Writes package.json, tsconfig.lib.json, tsconfig.spec.json, jest.config.cjs, README.md and src/index.ts,
// then registers the project reference in the root tsconfig.json.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [kind, name, description, ...deps] = process.argv.slice(2);
if (!['lib', 'app'].includes(kind) || !name || !description) {
  console.error('usage: node tools/new-package.mjs lib|app <name> "<description>" [workspace-dep ...]');
  process.exit(2);
}
const dir = join(kind === 'lib' ? 'libs' : 'apps', name);
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir} already exists`);
  process.exit(2);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const jestCmd = "node --experimental-vm-modules --disable-warning=ExperimentalWarning ../../node_modules/jest/bin/jest.js -c jest.config.cjs";
const pkg = {
  name: `@spyglass/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  ...(kind === 'lib'
    ? {
        main: './dist/index.js',
        types: './dist/index.d.ts',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
        files: ['dist', '!dist/**/*.spec.*', '!dist/**/__fixtures__', '!dist/**/*.tsbuildinfo', 'README.md'],
        sideEffects: false,
      }
    : { private: true }),
  scripts: {
    build: 'tsc -b tsconfig.lib.json',
    typecheck: 'tsc -p tsconfig.spec.json --noEmit',
    test: jestCmd,
  },
  nx: { tags: [`scope:${name}`, `type:${kind}`] },
  dependencies: Object.fromEntries(deps.map((d) => [`@spyglass/${d}`, '0.1.0'])),
};
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
const refs = deps.map((d) => ({ path: `../../libs/${d}/tsconfig.lib.json` }));
writeFileSync(
  join(dir, 'tsconfig.lib.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo' },
      include: ['src/**/*.ts', 'src/**/*.json'],
      exclude: ['src/**/*.spec.ts', 'src/**/__fixtures__/**', 'src/**/__test-support__/**'],
      references: refs,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(dir, 'tsconfig.spec.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { composite: false, noEmit: true, types: ['node', 'jest'] },
      include: ['src/**/*.ts', 'src/**/*.json'],
      references: refs,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(dir, 'jest.config.cjs'),
  `const preset = require('../../jest.preset.cjs');\nmodule.exports = { ...preset, displayName: '${name}', rootDir: __dirname };\n`,
);
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), `// Public entry of @spyglass/${name}.\nexport {};\n`);
if (!existsSync(join(dir, 'README.md'))) writeFileSync(join(dir, 'README.md'), `# @spyglass/${name}\n\n${description}\n`);

const rootTs = 'tsconfig.json';
const root = existsSync(rootTs) ? JSON.parse(readFileSync(rootTs, 'utf8')) : { files: [], references: [] };
root.references.push({ path: `./${dir}/tsconfig.lib.json` });
writeFileSync(rootTs, JSON.stringify(root, null, 2) + '\n');
console.log(`created ${dir}`);
