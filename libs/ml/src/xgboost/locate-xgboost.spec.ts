import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSpyglassError } from '@spyglass/core';
import { locateXGBoost, xgboostLibraryFromEnv, XGBOOST_INSTALL_COMMANDS, type XGBoostCandidate } from './locate-xgboost.js';
import { loadXGBoost } from './native-library.js';

// The real library (Debian's libxgboost0, which .ci/run installs); the temp "wheel" links to it so
// what is loaded is a real libxgboost found at a wheel's path.
const SYSTEM_LIB = '/usr/lib/x86_64-linux-gnu/libxgboost.so.0';

describe('locateXGBoost', () => {
  let root: string;
  let sitePackages: string;
  let wheelLib: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'spyglass-xgb-locate-'));
    // pip's layout: <site-packages>/xgboost/{__init__.py,lib/libxgboost.so}
    sitePackages = join(root, 'venv', 'lib', 'python3.11', 'site-packages');
    mkdirSync(join(sitePackages, 'xgboost', 'lib'), { recursive: true });
    writeFileSync(join(sitePackages, 'xgboost', '__init__.py'), '');
    wheelLib = join(sitePackages, 'xgboost', 'lib', 'libxgboost.so');
    symlinkSync(SYSTEM_LIB, wheelLib);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const nothingElse = { systemNames: [], homebrewPrefixes: [] } as const;

  it('finds the system soname first', () => {
    const found = locateXGBoost(undefined, { sitePackages: [sitePackages], homebrewPrefixes: [] });
    expect(found).toMatchObject({ source: 'system', path: 'libxgboost.so.0' });
    expect(found.searched).toEqual([{ source: 'system', path: 'libxgboost.so.0' }]);
  });

  it("falls back to a pip wheel's bundled library in site-packages", () => {
    const found = locateXGBoost(undefined, {
      systemNames: ['libxgboost-not-installed.so.0'],
      sitePackages: [join(root, 'empty-site'), sitePackages],
      homebrewPrefixes: [],
    });
    expect(found.source).toBe('pip');
    expect(found.path).toBe(wheelLib);
    expect(found.searched.map((c) => [c.source, c.failure === undefined])).toEqual([
      ['system', false],
      ['pip', false],
      ['pip', true],
    ]);
    const native = loadXGBoost({ libraryPath: found.path });
    expect(native.version.major).toBeGreaterThanOrEqual(1);
  });

  it('asks the Python interpreter where its site-packages are', () => {
    // A real executable standing in for python3: prints a site-packages directory, as the probe expects.
    const python = join(root, 'python3');
    writeFileSync(python, `#!/bin/sh\necho /nonexistent/site-packages\necho ${sitePackages}\n`);
    chmodSync(python, 0o755);
    const found = locateXGBoost(undefined, { ...nothingElse, pythons: [python] });
    expect(found).toMatchObject({ source: 'pip', path: wheelLib });
  });

  it('finds a Homebrew keg', () => {
    const prefix = join(root, 'brew');
    mkdirSync(join(prefix, 'opt', 'xgboost', 'lib'), { recursive: true });
    symlinkSync(SYSTEM_LIB, join(prefix, 'opt', 'xgboost', 'lib', 'libxgboost.dylib'));
    const found = locateXGBoost(undefined, { systemNames: [], sitePackages: [], homebrewPrefixes: [prefix], platform: 'darwin' });
    expect(found).toMatchObject({ source: 'homebrew', path: join(prefix, 'opt', 'xgboost', 'lib', 'libxgboost.dylib') });
  });

  it('takes an explicit path over everything and never replaces a broken one with another install', () => {
    expect(locateXGBoost(wheelLib, {}).source).toBe('env');
    const broken = join(root, 'broken', 'libxgboost.so');
    expect(() => locateXGBoost(broken, { sitePackages: [sitePackages] })).toThrow(broken);
    let error: unknown;
    try {
      locateXGBoost(broken, { sitePackages: [sitePackages] });
    } catch (e) {
      error = e;
    }
    expect(isSpyglassError(error, 'XGBOOST')).toBe(true);
    expect((error as { details: { searched: XGBoostCandidate[] } }).details.searched).toEqual([
      { source: 'env', path: broken, failure: 'no such file' },
    ]);
  });

  it('says every place it looked and the install command per platform when nothing loads', () => {
    const brew = join(root, 'no-brew');
    let error: unknown;
    try {
      locateXGBoost(undefined, { systemNames: ['libxgboost-missing.so.0'], sitePackages: [join(root, 'empty-site')], homebrewPrefixes: [brew] });
    } catch (e) {
      error = e;
    }
    expect(isSpyglassError(error, 'XGBOOST')).toBe(true);
    const message = (error as Error).message;
    for (const place of ['libxgboost-missing.so.0', join(root, 'empty-site', 'xgboost', 'lib', 'libxgboost.so'), join(brew, 'opt', 'xgboost', 'lib', 'libxgboost.so')]) {
      expect(message).toContain(place);
    }
    for (const command of Object.values(XGBOOST_INSTALL_COMMANDS)) expect(message).toContain(command);
    expect(message).toContain('XGBOOST_LIBRARY_PATH=');
  });

  it.each([
    [{ XGBOOST_LIBRARY_PATH: '/a/libxgboost.so' }, { libraryPath: '/a/libxgboost.so' }],
    [{ SPYGLASS_XGBOOST_LIB: '/b/libxgboost.so' }, { libraryPath: '/b/libxgboost.so' }],
    [{ XGBOOST_LIBRARY_PATH: '/a/libxgboost.so', SPYGLASS_XGBOOST_LIB: '/b/libxgboost.so' }, { libraryPath: '/a/libxgboost.so' }],
    [{ XGBOOST_LIBRARY_PATH: '' }, {}],
    [{}, {}],
  ])('xgboostLibraryFromEnv(%j) = %j', (env, expected) => {
    expect(xgboostLibraryFromEnv(env)).toEqual(expected);
  });
});
