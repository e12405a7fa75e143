import type { ErrorCode } from './errors.js';
import { errorFromHttpStatus, parseRetryAfter } from './http-error.js';

const url = 'https://api.massive.com/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?adjusted=true&apiKey=CANARYKEY123&limit=50000';

describe('errorFromHttpStatus', () => {
  it.each<[number, ErrorCode]>([
    [400, 'INVALID_ARGUMENT'],
    [401, 'AUTH_FAILED'],
    [403, 'NOT_ENTITLED'],
    [404, 'NOT_FOUND'],
    [408, 'TIMEOUT'],
    [429, 'RATE_LIMITED'],
    [500, 'UPSTREAM_5XX'],
    [502, 'UPSTREAM_5XX'],
    [503, 'UPSTREAM_5XX'],
    [504, 'UPSTREAM_5XX'],
  ])('HTTP %d → %s, with the apiKey redacted from message and details', (status, code) => {
    const e = errorFromHttpStatus(status, '{"status":"ERROR","request_id":"r1","error":"Unknown API Key"}', { url });
    expect(e.code).toBe(code);
    expect(e.message).toContain(`HTTP ${status} from https://api.massive.com/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?adjusted=true&apiKey=[REDACTED]&limit=50000`);
    expect(e.message).toContain('Unknown API Key');
    expect(JSON.stringify(e.toJSON())).not.toContain('CANARYKEY123');
    expect(e.details.status).toBe(status);
  });

  it('carries Retry-After seconds as retryAfterMs on a 429', () => {
    const e = errorFromHttpStatus(429, '{"status":"ERROR","error":"You\'ve exceeded the maximum requests per minute"}', { url, retryAfter: '12' });
    expect(e.retryAfterMs).toBe(12_000);
    expect(e.message).toContain("You've exceeded the maximum requests per minute");
  });

  it('uses the "message" field of NOT_AUTHORIZED bodies and plain text bodies', () => {
    const entitled = errorFromHttpStatus(403, '{"status":"NOT_AUTHORIZED","message":"You are not entitled to this data."}', { url });
    expect(entitled.message).toContain('You are not entitled to this data.');
    expect(errorFromHttpStatus(502, '<html>Bad Gateway</html>', { url }).message).toContain('<html>Bad Gateway</html>');
  });

  it('redacts secrets given explicitly even outside apiKey=', () => {
    const e = errorFromHttpStatus(401, 'key CANARYKEY123 rejected', { url: 'wss://socket.massive.com/stocks', secrets: ['CANARYKEY123'] });
    expect(e.message).not.toContain('CANARYKEY123');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-04T14:30:00Z');
  it.each<[string | null | undefined, number | undefined]>([
    ['12', 12_000],
    ['0', 0],
    ['1.5', 1500],
    ['Tue, 04 Mar 2025 14:31:00 GMT', 60_000],
    ['Tue, 04 Mar 2025 14:29:00 GMT', 0], // in the past: no wait
    ['soon', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%p → %p', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});
