import { redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    ['https://api.massive.com/v3/reference/options/contracts?apiKey=CANARY1&limit=1000', 'https://api.massive.com/v3/reference/options/contracts?apiKey=[REDACTED]&limit=1000'],
    ['https://api.massive.com/v2/aggs?apikey=CANARY1', 'https://api.massive.com/v2/aggs?apikey=[REDACTED]'],
    ['next_url=https://x/y?cursor=abc&api_key=CANARY1#frag', 'next_url=https://x/y?cursor=abc&api_key=[REDACTED]#frag'],
    ['Authorization: Bearer CANARY1.xyz', 'Authorization: Bearer [REDACTED]'],
    ['wss://socket.massive.com/options?token=CANARY1', 'wss://socket.massive.com/options?token=[REDACTED]'],
    ['HTTP 503 from https://x/v2?apiKey=CANARY1: busy', 'HTTP 503 from https://x/v2?apiKey=[REDACTED]: busy'],
    ['(see https://x/v2?apiKey=CANARY1)', '(see https://x/v2?apiKey=[REDACTED])'],
    ['no secrets here', 'no secrets here'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('masks each given secret wherever it appears, including JSON-escaped', () => {
    const secret = 'sk"canary\\key';
    const text = `{"action":"auth","params":${JSON.stringify(secret)}} raw=${secret}`;
    const out = redactSecrets(text, [secret]);
    expect(out).toBe('{"action":"auth","params":"[REDACTED]"} raw=[REDACTED]');
  });

  it('ignores empty and very short secrets instead of masking everything', () => {
    expect(redactSecrets('abc def', ['', 'a'])).toBe('abc def');
  });
});
