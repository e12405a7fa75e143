// Regenerates the flag reference in apps/cli/README.md from the yargs definitions (run after a build).
import { readFileSync, writeFileSync } from 'node:fs';
import { commands } from '../dist/commands/index.js';
import { renderFlagReference, replaceFlagReference } from '../dist/flag-reference.js';
import { globalOptions } from '../dist/output.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, replaceFlagReference(readFileSync(path, 'utf8'), renderFlagReference(commands, globalOptions)));
console.log('apps/cli/README.md: flag reference updated');
