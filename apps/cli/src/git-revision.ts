import { execFileSync } from 'node:child_process';

/** The commit the command runs on, recorded in model artifacts (null outside a git checkout). */
export function gitRevision(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}
