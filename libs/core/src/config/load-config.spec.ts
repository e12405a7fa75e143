import { jest } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpyglassError } from '../errors.js';
import type { RetryPolicy } from '../retry.js';
import { CONFIG_FILES, type ConfigDeprecation, configSecrets, loadConfig, type SpyglassConfig } from './load-config.js';

const repoConfig = fileURLToPath(new URL('../../../../config', import.meta.url));
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'spyglass-config-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** A config directory holding exactly `files`. */
function dirWith(files: Record<string, string>): string {
  const dir = join(tmp, 'config');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function configErrorOf(fn: () => unknown): SpyglassError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpyglassError);
    expect((e as SpyglassError).code).toBe('CONFIG');
    return e as SpyglassError;
  }
  throw new Error('expected a CONFIG error, got none');
}

describe('loadConfig: shipped files', () => {
  it('the repo config/ validates and equals the schema defaults (YAML and code agree)', () => {
    const fromFiles = loadConfig({ dir: repoConfig, env: {} });
    const fromDefaults = loadConfig({ dir: dirWith({}), env: {} });
    expect(fromFiles).toEqual(fromDefaults);
    expect(fromFiles.settings.dataRoot).toBe('./data');
    expect(fromFiles.sources.massive.rest.baseUrl).toBe('https://api.massive.com');
    expect(fromFiles.sources.massive.ws.baseUrl).toBe('wss://socket.massive.com');
    expect(fromFiles.sources.massive.rateLimit.requestsPerMinute).toBe(5);
    expect(fromFiles.sources.tickers).toEqual({ equities: ['SPY'], indices: ['I:VIX'], news: ['SPY'] });
    expect(fromFiles.settings.monitoring.heartbeat).toEqual({ intervalMs: 300_000, stallAfterMs: 900_000 });
    expect(fromFiles.pipeline.labels).toEqual({ threshold: 0.2, windowMinutes: 120 });
    expect(fromFiles.pipeline.backfill.spanDays).toBe(5);
    expect(fromFiles.ml.split).toEqual({ train: 0.7, validation: 0.15, test: 0.15 });
    expect(fromFiles.ml.xgboost).toMatchObject({ numRounds: 300, maxDepth: 6, eta: 0.05, subsample: 0.8, colsampleBytree: 0.8, minChildWeight: 5, gamma: 0.1, earlyStoppingRounds: 30, evalMetric: 'auc', seed: 42 });
    // The retry section is a RetryPolicy as it stands.
    const policy: RetryPolicy = fromFiles.retry;
    expect(policy).toEqual({ maxAttempts: 5, initialDelayMs: 1000, backoffBase: 2, maxDelayMs: 60_000, jitter: 0.2, rateLimitMaxWaitMs: 300_000 });
  });

  it.each([['backfill-only'], ['full-pipeline'], ['streaming']])('config/examples/%s is a full, valid config directory', (name) => {
    const dir = join(repoConfig, 'examples', name);
    for (const file of Object.values(CONFIG_FILES)) expect(existsSync(join(dir, file))).toBe(true);
    const config = loadConfig({ dir, env: { MASSIVE_API_KEY: 'example-key' } });
    expect(config.sources.massive.apiKey).toBe('example-key');
    expect(config).not.toEqual(loadConfig({ dir: repoConfig, env: { MASSIVE_API_KEY: 'example-key' } }));
  });

  it('environment substitution reaches typed values', () => {
    const config = loadConfig({
      dir: repoConfig,
      env: { SPYGLASS_DATA_ROOT: '/srv/spy', SPYGLASS_LOG_LEVEL: 'debug', MASSIVE_REQUESTS_PER_MINUTE: '6000', MASSIVE_REST_URL: 'http://127.0.0.1:4010' },
    });
    expect(config.settings.dataRoot).toBe('/srv/spy');
    expect(config.settings.logLevel).toBe('debug');
    expect(config.sources.massive.rateLimit.requestsPerMinute).toBe(6000);
    expect(config.sources.massive.rest.baseUrl).toBe('http://127.0.0.1:4010');
    const unlimited = loadConfig({ dir: repoConfig, env: { MASSIVE_REQUESTS_PER_MINUTE: 'null' } });
    expect(unlimited.sources.massive.rateLimit.requestsPerMinute).toBeNull();
  });
});

describe('loadConfig: API key', () => {
  it.each([
    [{ MASSIVE_API_KEY: 'm-key', POLYGON_API_KEY: 'p-key' }, 'm-key'],
    [{ POLYGON_API_KEY: 'p-key' }, 'p-key'],
    [{ MASSIVE_API_KEY: '', POLYGON_API_KEY: 'p-key' }, 'p-key'],
    [{}, ''],
  ])('env %j gives %p, from sources.yaml and with no sources.yaml', (env, key) => {
    expect(loadConfig({ dir: repoConfig, env }).sources.massive.apiKey).toBe(key);
    expect(loadConfig({ dir: dirWith({}), env }).sources.massive.apiKey).toBe(key);
  });

  it('a quoted all-digit key stays a string', () => {
    const dir = dirWith({ 'sources.yaml': 'massive:\n  apiKey: "${KEY}"\n' });
    expect(loadConfig({ dir, env: { KEY: '0012345' } }).sources.massive.apiKey).toBe('0012345');
  });

  it('configSecrets lists the key for the logger', () => {
    expect(configSecrets(loadConfig({ dir: repoConfig, env: { MASSIVE_API_KEY: 'sekrit-key' } }))).toEqual(['sekrit-key']);
    expect(configSecrets(loadConfig({ dir: repoConfig, env: {} }))).toEqual([]);
  });
});

describe('loadConfig: endpoint overrides from the environment', () => {
  const env = { MASSIVE_API_KEY: 'local-key', MASSIVE_REST_URL: 'http://127.0.0.1:4010', MASSIVE_WS_URL: 'ws://127.0.0.1:4010' };
  it.each<[string, Record<string, string>]>([
    ['no sources.yaml', {}],
    ['sources.yaml without rest/ws', { 'sources.yaml': 'tickers:\n  equities: [SPY]\n' }],
    ['sources.yaml with a rest section but no baseUrl', { 'sources.yaml': 'massive:\n  rest:\n    timeoutMs: 5000\n' }],
    ['sources.yaml naming other URLs', { 'sources.yaml': 'massive:\n  rest:\n    baseUrl: https://api.massive.com\n  ws:\n    baseUrl: wss://socket.massive.com\n' }],
  ])('%s: MASSIVE_REST_URL / MASSIVE_WS_URL win, so the key goes where it is meant to', (_what, files) => {
    const m = loadConfig({ dir: dirWith(files), env }).sources.massive;
    expect([m.rest.baseUrl, m.ws.baseUrl, m.apiKey]).toEqual(['http://127.0.0.1:4010', 'ws://127.0.0.1:4010', 'local-key']);
  });

  it('an empty variable leaves the file (or default) alone', () => {
    expect(loadConfig({ dir: dirWith({}), env: { MASSIVE_REST_URL: '' } }).sources.massive.rest.baseUrl).toBe('https://api.massive.com');
  });

  // `stream-signals --sim` and `demo` pass their embedded simulator as overrides: a shell that still
  // exports MASSIVE_REST_URL for another server sent them there (no bars, 0 signals, exit 0).
  it("the caller's overrides (the CLI's flags) win over the environment", () => {
    const overrides = { sources: { massive: { apiKey: 'demo-key', rest: { baseUrl: 'http://127.0.0.1:5001' }, ws: { baseUrl: 'ws://127.0.0.1:5001' } } } };
    const m = loadConfig({ dir: dirWith({}), env, overrides }).sources.massive;
    expect([m.rest.baseUrl, m.ws.baseUrl, m.apiKey]).toEqual(['http://127.0.0.1:5001', 'ws://127.0.0.1:5001', 'demo-key']);
  });
});

describe('loadConfig: bad input names file, key path and reason', () => {
  it.each<[string, string, string, string]>([
    ['ml.yaml', 'split:\n  train: "abc"\n', 'split.train', 'expected number, received string'],
    ['ml.yaml', 'split: { train: 0.8, validation: 0.15, test: 0.15 }\n', 'split', 'train + validation + test must sum to 1'],
    ['ml.yaml', 'walkForward:\n  mode: sideways\n', 'walkForward.mode', 'expected one of "rolling"|"expanding"'],
    ['ml.yaml', 'walkForward:\n  purgeMinutes: 60\n', 'walkForward.purgeMinutes', 'expected number to be >=120'],
    ['settings.yaml', 'logLevel: loud\n', 'logLevel', 'Invalid option'],
    ['settings.yaml', 'dataRot: ./data\n', 'dataRot', 'unknown key'],
    ['settings.yaml', 'timezone: Mars/Olympus\n', 'timezone', 'not an IANA time zone'],
    ['settings.yaml', 'marketHours:\n  open: "9:30"\n', 'marketHours.open', 'expected HH:MM'],
    ['settings.yaml', 'retention:\n  raw: -1\n', 'retention.raw', 'expected number to be >0'],
    ['sources.yaml', 'massive:\n  rest:\n    baseUrl: ftp://example.com\n', 'massive.rest.baseUrl', 'Invalid URL'],
    ['sources.yaml', 'tickers:\n  equities: [SPY, 5]\n', 'tickers.equities[1]', 'expected string, received number'],
    ['sources.yaml', 'options:\n  expiry: fixed\n', 'options.fixedExpiry', 'required when expiry is "fixed"'],
    ['sources.yaml', 'streaming:\n  bufferSize: 100\n  flushSize: 1000\n', 'streaming.flushSize', 'must not exceed bufferSize'],
    ['sources.yaml', 'massive:\n  rest:\n    baseUrl: ${UNSET_URL}\n', 'massive.rest.baseUrl', 'environment variable UNSET_URL is not set'],
    ['sinks.yaml', 'parquet:\n  compression: lzo\n', 'parquet.compression', 'Invalid option'],
    ['retry_policy.yaml', 'jitter: 2\n', 'jitter', 'expected number to be <=1'],
    ['retry_policy.yaml', 'retryOn: [RATE_LIMITED, TEAPOT]\n', 'retryOn[1]', 'Invalid option'],
    ['pipeline.yaml', 'labels:\n  threshold: 20\n', 'labels.threshold', 'expected number to be <1'],
    // One unit per quantity: fractions, and the keys that held percents say what replaced them.
    ['sources.yaml', 'options:\n  discoveryRangePct: wide\n', 'options.discoveryRangePct', 'renamed to discoveryRange, a fraction'],
    ['sources.yaml', 'options:\n  discoveryRangePct: 0.02\n  discoveryRange: 0.01\n', 'options.discoveryRangePct', 'deprecated; remove it: options.discoveryRange is also set'],
    ['sources.yaml', 'options:\n  discoveryRange: 1\n', 'options.discoveryRange', 'expected number to be <1'],
    ['pipeline.yaml', 'trainingPrep:\n  minTargetCoveragePct: half\n', 'trainingPrep.minTargetCoveragePct', 'renamed to minTargetCoverage, a fraction'],
    ['pipeline.yaml', 'trainingPrep:\n  minTargetCoverage: 50\n', 'trainingPrep.minTargetCoverage', 'expected number to be <=1'],
    ['settings.yaml', 'monitoring:\n  performance:\n    degradationPct: 150\n', 'monitoring.performance.degradationRatio', 'expected number to be <1'],
    ['settings.yaml', 'monitoring:\n  performance:\n    degradationRatio: 50\n', 'monitoring.performance.degradationRatio', 'expected number to be <1'],
  ])('%s %j → %s: %s', (file, text, path, reason) => {
    const dir = dirWith({ [file]: text });
    const e = configErrorOf(() => loadConfig({ dir, env: {} }));
    expect(e.message).toContain(`${join(dir, file)}: ${path}: `);
    expect(e.message).toContain(reason);
    expect(e.details.file).toBe(join(dir, file));
  });

  it('gives the exact message for a wrong type', () => {
    const dir = dirWith({ 'ml.yaml': 'split:\n  train: "abc"\n' });
    expect(configErrorOf(() => loadConfig({ dir, env: {} })).message).toBe(
      `${join(dir, 'ml.yaml')}: split.train: Invalid input: expected number, received string`,
    );
  });

  it('lists every problem of a file, one per line, also as ValidationIssues', () => {
    const dir = dirWith({ 'ml.yaml': 'xgboost:\n  eta: 2\n  maxDepth: 0\n  colsample_bytree: 0.8\n' });
    const e = configErrorOf(() => loadConfig({ dir, env: {} }));
    expect(e.message.split('\n')).toHaveLength(3);
    expect((e.details.issues as Array<{ path: unknown[] }>).map((i) => i.path)).toEqual([
      ['xgboost', 'maxDepth'], // schema order
      ['xgboost', 'eta'],
      ['xgboost', 'colsample_bytree'],
    ]);
  });

  it('checks the purge gap against the label window of pipeline.yaml', () => {
    const dir = dirWith({ 'pipeline.yaml': 'labels:\n  windowMinutes: 180\n', 'ml.yaml': 'walkForward:\n  purgeMinutes: 150\n' });
    const e = configErrorOf(() => loadConfig({ dir, env: {} }));
    expect(e.message).toContain(`${join(dir, 'ml.yaml')}: walkForward.purgeMinutes: 150 is below the label window pipeline.labels.windowMinutes (180)`);
  });

  it.each([
    ['a YAML syntax error', 'split: [0.7, 0.15\n', 'ml.yaml'],
    ['a list at the top level', '- 1\n- 2\n', 'expected a mapping'],
  ])('reports %s with the file name', (_name, text, expected) => {
    const dir = dirWith({ 'ml.yaml': text });
    const e = configErrorOf(() => loadConfig({ dir, env: {} }));
    expect(e.message).toContain(join(dir, 'ml.yaml'));
    expect(e.message).toContain(expected);
  });

  it('an empty file is the defaults', () => {
    expect(loadConfig({ dir: dirWith({ 'ml.yaml': '# nothing yet\n' }), env: {} }).ml.xgboost.numRounds).toBe(300);
  });

  it('a missing directory is an error (a typo must not mean "all defaults")', () => {
    expect(configErrorOf(() => loadConfig({ dir: join(tmp, 'nope'), env: {} })).message).toContain('does not exist');
  });
});

describe('loadConfig: overrides', () => {
  it('lay values over the files, deep', () => {
    const config = loadConfig({
      dir: repoConfig,
      env: {},
      overrides: { sources: { massive: { rateLimit: { requestsPerMinute: null } }, tickers: { equities: ['QQQ'] } }, settings: { logLevel: 'warn' } },
    });
    expect(config.sources.massive.rateLimit.requestsPerMinute).toBeNull();
    expect(config.sources.massive.rest.baseUrl).toBe('https://api.massive.com');
    expect(config.sources.tickers).toEqual({ equities: ['QQQ'], indices: ['I:VIX'], news: ['SPY'] });
    expect(config.settings.logLevel).toBe('warn');
  });

  it('a bad override is reported as such', () => {
    const e = configErrorOf(() => loadConfig({ dir: repoConfig, env: {}, overrides: { pipeline: { backfill: { workers: 0 } } } }));
    expect(e.message).toMatch(/^overrides\.pipeline: backfill\.workers: /);
    expect(configErrorOf(() => loadConfig({ dir: repoConfig, env: {}, overrides: { storage: {} } })).message).toContain('overrides: storage: unknown section');
  });

  describe('deprecated keys (renamed when every quantity became a fraction) are read under their successor, with a warning', () => {
    it.each([
      ['sources.yaml', 'options:\n  discoveryRangePct: 0.02\n', ['options', 'discoveryRangePct'], ['options', 'discoveryRange'], 0.02, (c: SpyglassConfig) => c.sources.options.discoveryRange],
      ['pipeline.yaml', 'trainingPrep:\n  minTargetCoveragePct: 40\n', ['trainingPrep', 'minTargetCoveragePct'], ['trainingPrep', 'minTargetCoverage'], 0.4, (c: SpyglassConfig) => c.pipeline.trainingPrep.minTargetCoverage],
      ['settings.yaml', 'monitoring:\n  performance:\n    degradationPct: 60\n', ['monitoring', 'performance', 'degradationPct'], ['monitoring', 'performance', 'degradationRatio'], 0.6, (c: SpyglassConfig) => c.settings.monitoring.performance.degradationRatio],
    ] as const)('%s %j', (file, text, path, replacement, expected, read) => {
      const dir = dirWith({ [file]: text });
      const seen: ConfigDeprecation[] = [];
      const config = loadConfig({ dir, env: {}, onDeprecated: (d) => seen.push(d) });
      expect(read(config)).toBeCloseTo(expected, 12);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ file: join(dir, file), path, replacement, to: expected });
      expect(seen[0]!.message).toContain(`${join(dir, file)}: ${path.join('.')} is deprecated: read as ${replacement.join('.')}`);
      expect(seen[0]!.message).toContain(`write ${replacement.at(-1)}: ${expected} instead`);
    });

    it('a deprecated key given in overrides is attributed to them', () => {
      const seen: ConfigDeprecation[] = [];
      const config = loadConfig({ dir: dirWith({}), env: {}, overrides: { sources: { options: { discoveryRangePct: 0.03 } } }, onDeprecated: (d) => seen.push(d) });
      expect(config.sources.options.discoveryRange).toBe(0.03);
      expect(seen.map((d) => d.file)).toEqual(['overrides.sources']);
    });

    it('without onDeprecated the warning is a process DeprecationWarning, never silent', () => {
      const emitted: unknown[] = [];
      const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((w: unknown) => { emitted.push(w); }) as typeof process.emitWarning);
      try {
        loadConfig({ dir: dirWith({ 'sources.yaml': 'options:\n  discoveryRangePct: 0.02\n' }), env: {} });
      } finally {
        spy.mockRestore();
      }
      expect(emitted).toHaveLength(1);
      expect(String(emitted[0])).toContain('options.discoveryRangePct is deprecated');
    });

    it('the current keys produce no deprecation', () => {
      const seen: ConfigDeprecation[] = [];
      loadConfig({ dir: dirWith({ 'sources.yaml': 'options:\n  discoveryRange: 0.02\n' }), env: {}, onDeprecated: (d) => seen.push(d) });
      expect(seen).toEqual([]);
    });
  });
});
