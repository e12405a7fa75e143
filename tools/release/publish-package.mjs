#!/usr/bin/env node
// `nx-release-publish` for one package: `npm publish` of its directory with the options
// `nx release publish` forwards (--registry, --tag, --access, --otp, --dryRun).
// Usage: node tools/release/publish-package.mjs <package-dir> [--registry=<url>] [--tag=<t>] [--dryRun]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: { registry: { type: 'string' }, tag: { type: 'string' }, access: { type: 'string' }, otp: { type: 'string' }, dryRun: { type: 'string' } },
});
const [dir] = positionals;
if (!dir) {
  console.error('usage: publish-package.mjs <package-dir> [--registry=<url>] [--tag=<tag>] [--dryRun]');
  process.exit(2);
}
const args = ['publish', '--access', values.access ?? 'public'];
if (values.registry) args.push('--registry', values.registry);
if (values.tag) args.push('--tag', values.tag);
if (values.otp) args.push('--otp', values.otp);
if (values.dryRun !== undefined && values.dryRun !== 'false') args.push('--dry-run');
execFileSync('npm', args, { cwd: dir, stdio: 'inherit' });
