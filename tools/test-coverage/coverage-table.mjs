#!/usr/bin/env node
// Coverage per library from jest's json-summary (`npm test` runs jest with --coverage), printed as a
// table and held to a floor per library (tools/test-coverage/floors.json: the line coverage each library
// had when the floor was set, in %). A library below its floor fails `npm test`; one without a floor
// is reported, so the next floor can be set from the printed figure.
// Usage: node tools/test-coverage/coverage-table.mjs [summary.json] [--write-floors]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const summaryPath = args.find((a) => !a.startsWith('--')) ?? join(root, '.ci-output/coverage/coverage-summary.json');
const floorsPath = join(root, 'tools/test-coverage/floors.json');
if (!existsSync(summaryPath)) {
  console.error(`coverage: no summary at ${summaryPath} (run jest with --coverage)`);
  process.exit(1);
}
const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
const floors = existsSync(floorsPath) ? JSON.parse(readFileSync(floorsPath, 'utf8')) : {};
const METRICS = ['lines', 'statements', 'functions', 'branches'];

const byLib = new Map();
for (const [file, totals] of Object.entries(summary)) {
  if (file === 'total') continue;
  const m = /^libs\/([^/]+)\//.exec(relative(root, file));
  if (!m) continue;
  const acc = byLib.get(m[1]) ?? Object.fromEntries(METRICS.map((k) => [k, { covered: 0, total: 0 }]));
  for (const k of METRICS) {
    acc[k].covered += totals[k].covered;
    acc[k].total += totals[k].total;
  }
  byLib.set(m[1], acc);
}
const pct = (x) => (x.total === 0 ? 100 : (100 * x.covered) / x.total);
const rows = [...byLib].sort(([a], [b]) => a.localeCompare(b));
let failed = 0;
console.log('coverage per library (%):');
console.log(`  ${'library'.padEnd(14)} ${METRICS.map((k) => k.padStart(10)).join(' ')}      floor`);
for (const [lib, acc] of rows) {
  const lines = pct(acc.lines);
  const floor = floors[lib];
  const verdict = floor === undefined ? 'no floor' : lines + 1e-9 >= floor ? `${floor.toFixed(1)} ok` : `${floor.toFixed(1)} BELOW`;
  if (floor !== undefined && lines + 1e-9 < floor) failed++;
  console.log(`  ${lib.padEnd(14)} ${METRICS.map((k) => pct(acc[k]).toFixed(1).padStart(10)).join(' ')}  ${verdict}`);
}
if (args.includes('--write-floors')) {
  // A floor is one point under the measured figure, rounded down: V8 line counts move between runs
  // when a retry or timer path is timing-dependent (pipeline measured 97.0x then 96.9x on CI).
  const next = { ...floors, ...Object.fromEntries(rows.map(([lib, acc]) => [lib, Math.floor(pct(acc.lines)) - 1])) };
  writeFileSync(floorsPath, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`coverage: floors written to ${relative(root, floorsPath)}`);
}
if (failed) {
  console.error(`coverage: ${failed} librar${failed === 1 ? 'y is' : 'ies are'} below the floor (tools/test-coverage/floors.json)`);
  process.exit(1);
}
