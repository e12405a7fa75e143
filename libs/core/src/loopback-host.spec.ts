import { hostHeaderAllowed, isLoopbackHost, networkExposureWarning } from './loopback-host.js';

describe('loopback hosts', () => {
  it.each([
    ['127.0.0.1', true], ['127.1.2.3', true], ['localhost', true], ['LOCALHOST', true], ['::1', true], ['[::1]', true],
    ['0.0.0.0', false], ['::', false], ['192.168.1.4', false], ['evil.example', false], ['127.0.0.1.evil.example', false],
  ])('isLoopbackHost(%s) = %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1:8501', true],
    ['127.0.0.1', 'localhost:9464', true],
    ['127.0.0.1', '[::1]:9464', true],
    ['127.0.0.1', 'evil.example:9464', false],
    ['127.0.0.1', 'evil.example', false],
    ['127.0.0.1', undefined, false],
    ['127.0.0.1', '', false],
    ['0.0.0.0', 'evil.example:9464', true],
  ])('bound to %s, Host %s → served %s', (bind, header, expected) => {
    expect(hostHeaderAllowed(bind, header)).toBe(expected);
  });

  it.each([
    ['127.0.0.1', null],
    ['0.0.0.0', /WARNING: dashboard listens on 0\.0\.0\.0: it is now reachable from the network/],
    ['::', /reachable from the network/],
  ])('networkExposureWarning(dashboard, %s)', (host, expected) => {
    const w = networkExposureWarning('dashboard', host);
    if (expected === null) expect(w).toBeNull();
    else expect(w).toMatch(expected);
  });
});
