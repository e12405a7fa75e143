import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@spyglass/core';
import { liveStreamSettings } from './live-stream-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'spyglass-live-settings-'));

describe('liveStreamSettings', () => {
  it('maps the streaming section, the WebSocket endpoint and connect timeout and the heartbeat stall time', () => {
    const config = loadConfig({
      dir,
      env: {},
      overrides: {
        sources: {
          massive: { apiKey: 'k', ws: { baseUrl: 'ws://127.0.0.1:1', connectTimeoutMs: 4321 } },
          streaming: { flushSize: 7, flushIntervalMs: 1234, bufferSize: 99, reconnect: { maxAttempts: 3, initialDelayMs: 10, backoffBase: 3, maxDelayMs: 500 } },
        },
        settings: { monitoring: { heartbeat: { stallAfterMs: 60_000 } } },
      },
    });
    expect(liveStreamSettings(config, { enforceMarketHours: false })).toEqual({
      apiKey: 'k',
      wsBaseUrl: 'ws://127.0.0.1:1',
      connectTimeoutMs: 4321,
      flushSize: 7,
      flushIntervalMs: 1234,
      queueCapacity: 99,
      reconnect: { maxAttempts: 3, initialDelayMs: 10, backoffBase: 3, maxDelayMs: 500, jitter: 0.2 },
      stallTimeoutMs: 60_000,
      enforceMarketHours: false,
    });
  });

  it('keeps reconnecting without limit when maxAttempts is unset', () => {
    const config = loadConfig({ dir, env: {}, overrides: { sources: { streaming: { reconnect: { maxAttempts: null } } } } });
    expect(liveStreamSettings(config, { enforceMarketHours: true }).reconnect.maxAttempts).toBe(Number.MAX_SAFE_INTEGER);
  });
});
