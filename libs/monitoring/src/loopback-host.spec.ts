import { loopbackHostProblem } from './loopback-host.js';

describe('loopbackHostProblem', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1:8501', undefined],
    ['127.0.0.1', 'localhost:9465', undefined],
    ['::1', '[::1]:9465', undefined],
    ['127.0.0.1', 'evil.example:9465', "host 'evil.example:9465' not served"],
    ['127.0.0.1', undefined, "host '' not served"],
    ['0.0.0.0', 'anything.example', undefined],
  ])('bound to %s, Host %s → %s', (bound, header, expected) => {
    expect(loopbackHostProblem(bound, header)).toBe(expected);
  });
});
