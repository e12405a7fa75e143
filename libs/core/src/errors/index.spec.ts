import { readFileSync } from 'node:fs';
import * as main from '../index.js';
import * as errors from './index.js';

describe('@spyglass/core/errors', () => {
  it.each(['ErrorCode', 'RETRYABLE_CODES', 'SpyglassError', 'isSpyglassError'] as const)('exports the main entry’s own %s', (name) => {
    expect(errors[name]).toBeDefined();
    expect(errors[name]).toBe(main[name]);
  });

  it('keeps instanceof across the two entries', () => {
    const e = new errors.SpyglassError('XGBOOST', 'boom');
    expect(e).toBeInstanceOf(main.SpyglassError);
    expect(main.isSpyglassError(e)).toBe(true);
  });

  // the point of the subpath is a start-up that loads nothing else (the training worker imports it)
  it('loads a module with no imports of its own', () => {
    const source = readFileSync(new URL('../errors.ts', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(source).toMatch(/export class SpyglassError/);
    expect(source.match(/^\s*import\s/gm)).toBeNull();
  });
});
