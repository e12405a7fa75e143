import { Writable } from 'node:stream';
import { SpyglassError } from './errors.js';
import { errorFromHttpStatus } from './http-error.js';
import { createLogger } from './logger.js';

const CANARY = 'CANARY-9f8e7d6c5b4a39281706';

function memory() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { destination, text: () => chunks.join('') };
}

const url = `https://api.massive.com/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?adjusted=true&apiKey=${CANARY}`;

/** Logs the canary every way a library might, through a logger configured by `make`. */
function logEverything(log: ReturnType<typeof createLogger>) {
  log.info({ apiKey: CANARY, ticker: 'SPY' }, 'top-level field');
  log.info({ config: { sources: { massive: { apiKey: CANARY, rest: { baseUrl: 'https://api.massive.com' } } } } }, 'deep field');
  log.info({ url }, 'url field');
  log.info({ request: { url, headers: { Authorization: `Bearer ${CANARY}` } } }, 'nested request');
  log.info({ pages: [{ next_url: url }, { next_url: url }] }, 'urls in an array');
  log.warn({ err: new Error(`GET ${url} failed`) }, 'error field');
  log.error(new SpyglassError('RETRIES_EXHAUSTED', `gave up on ${url}`, { cause: new Error(`socket hang up at ${url}`) }));
  log.error({ err: errorFromHttpStatus(401, '{"error":"bad key"}', { url }) }, 'http error');
  log.info(`message text with ${url}`);
  log.info('interpolated %s', url);
  log.child({ component: 'ws', token: CANARY, endpoint: url }).info({ action: 'auth', params: 'x' }, 'child');
}

describe('createLogger redaction (canary key)', () => {
  it.each([
    ['JSON, with the key given as a secret', { secrets: [CANARY] }],
    ['JSON, without the secret list (field names and apiKey= only)', {}],
    ['pretty', { pretty: true, secrets: [CANARY] }],
  ])('%s: the canary never appears in the output', (_name, opts) => {
    const { destination, text } = memory();
    logEverything(createLogger({ ...opts, destination, level: 'debug' }));
    const out = text();
    expect(out).not.toContain(CANARY);
    expect(out).toContain('[REDACTED]');
    // Only credentials go: the rest of each record survives.
    expect(out).toContain('SPY');
    expect(out).toContain('https://api.massive.com/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?adjusted=true&apiKey=[REDACTED]');
    expect(out).toContain('socket hang up');
  });

  it('a bare secret outside any credential field or URL is masked when listed', () => {
    const { destination, text } = memory();
    const log = createLogger({ destination, secrets: [CANARY] });
    log.info({ note: `the key is ${CANARY}`, ws: { action: 'auth', params: CANARY } }, `auth ${CANARY}`);
    expect(text()).not.toContain(CANARY);
  });

  it('writes one JSON object per line with level, time, name, component and message', () => {
    const { destination, text } = memory();
    const log = createLogger({ destination, name: 'spyglass' }).child({ component: 'storage' });
    log.info({ rows: 390 }, 'partition written');
    log.debug('hidden at info level');
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, name: 'spyglass', component: 'storage', rows: 390, msg: 'partition written' });
  });

  it.each([
    [{}, false],
    [{ stacks: false }, false],
    [{ stacks: true }, true],
  ])('serialises errors with type, code and message; %j keeps the stack: %s', (opts, kept) => {
    const { destination, text } = memory();
    const cause = new SpyglassError('NETWORK', 'socket hang up');
    createLogger({ destination, ...opts }).error({ err: new SpyglassError('RETRIES_EXHAUSTED', 'gave up after 5 attempts', { cause }) }, 'fetch failed');
    const rec = JSON.parse(text()) as { err: { type: string; code: string; message: string; stack?: string } };
    expect(rec.err).toMatchObject({ type: 'SpyglassError', code: 'RETRIES_EXHAUSTED', message: 'gave up after 5 attempts: socket hang up' });
    expect(text().includes('    at ')).toBe(kept);
  });

  it('pretty output is human-readable, not JSON', () => {
    const { destination, text } = memory();
    createLogger({ destination, pretty: true }).info({ rows: 3 }, 'hello');
    expect(text()).toMatch(/INFO.*hello/);
    expect(() => JSON.parse(text())).toThrow();
  });
});
