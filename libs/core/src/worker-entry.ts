import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// require.resolve picks the CommonJS build of 'tsx/esm/api', which cannot import its ESM half;
// the `import` condition of tsx's export map names the file a worker can import.
function tsxEsmApiUrl(from: string): string {
  const manifestPath = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
}

/**
 * The `new Worker(script, { eval })` arguments that start the worker module `name` (without
 * extension) beside the caller's module `self` (its `import.meta.url`): the compiled `.js` file when
 * the caller runs compiled; when it runs from TypeScript sources (tests, tsx), Node 20 cannot start
 * a Worker on a `.ts` file, so a tiny bootstrap registers tsx inside the worker first (tsx is a
 * root dev dependency only).
 *
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * const entry = workerEntry(import.meta.url, 'train-worker');
 * const worker = new Worker(entry.script, { eval: entry.eval, workerData: {} });
 * ```
 */
export function workerEntry(self: string, name: string): { script: string | URL; eval: boolean } {
  if (self.endsWith('.js')) return { script: new URL(`./${name}.js`, self), eval: false };
  const tsxApi = tsxEsmApiUrl(self);
  const entry = new URL(`./${name}.ts`, self).href;
  return {
    script: `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}
