import { ErrorCode, SpyglassError, isSpyglassError } from './errors.js';

describe('SpyglassError', () => {
  it.each(Object.values(ErrorCode))('carries code %s and its cause', (code) => {
    const cause = new Error('socket hang up');
    const e = new SpyglassError(code, 'fetch failed', { cause, details: { url: '/v2/aggs' } });
    expect(e.code).toBe(code);
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({ code, message: 'fetch failed', details: { url: '/v2/aggs' }, cause: 'socket hang up' });
    expect(isSpyglassError(e, code)).toBe(true);
  });

  it('isSpyglassError rejects other codes and plain errors', () => {
    expect(isSpyglassError(new SpyglassError('CONFIG', 'x'), 'AUTH_FAILED')).toBe(false);
    expect(isSpyglassError(new Error('x'))).toBe(false);
  });
});
