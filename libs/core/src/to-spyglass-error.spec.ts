import { SpyglassError, type ErrorCode } from './errors.js';
import { toSpyglassError } from './to-spyglass-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('toSpyglassError', () => {
  it.each<[string, unknown, ErrorCode]>([
    ['ECONNRESET', withCode('read ECONNRESET', 'ECONNRESET'), 'NETWORK'],
    ['ECONNREFUSED', withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), 'NETWORK'],
    ['socket hang up', new Error('socket hang up'), 'NETWORK'],
    ['undici fetch failed + cause', new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') }), 'NETWORK'],
    ['fetch failed, headers timeout cause', new TypeError('fetch failed', { cause: withCode('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT') }), 'TIMEOUT'],
    ['AbortError', Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), 'TIMEOUT'],
    ['AbortSignal.timeout', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 'TIMEOUT'],
    ['ETIMEDOUT', withCode('connect ETIMEDOUT', 'ETIMEDOUT'), 'TIMEOUT'],
    ['JSON SyntaxError', (() => { try { JSON.parse('{'); } catch (e) { return e; } })(), 'BAD_PAYLOAD'],
    ['a bug', new TypeError('x.map is not a function'), 'UNEXPECTED'],
    ['a thrown string', 'boom', 'UNEXPECTED'],
  ])('%s → %s, keeping the original as cause', (_name, input, code) => {
    const e = toSpyglassError(input);
    expect(e).toBeInstanceOf(SpyglassError);
    expect(e.code).toBe(code);
    expect(e.cause).toBe(input);
  });

  it('passes SpyglassErrors through unchanged', () => {
    const original = new SpyglassError('SCHEMA_DRIFT', 'new column');
    expect(toSpyglassError(original)).toBe(original);
  });
});
