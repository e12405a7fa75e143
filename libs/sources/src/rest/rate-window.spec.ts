// A key shared with another process: the simulator's one-minute rate window refuses requests for up
// to a minute, longer than the plain backoff schedule (1 + 2 + 4 + 8 s). Simulator and client share
// one clock whose sleeps return at once, so a minute of waiting takes milliseconds.
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { InstantClock } from '../__test-support__/instant-clock.js';
import { EquityClient } from './equity-client.js';
import { MassiveRest } from './massive-rest.js';

const policy = { maxAttempts: 5, initialDelayMs: 1000, backoffBase: 2, maxDelayMs: 60_000, jitter: 0 };

describe('429 from a one-minute rate window', () => {
  let sim: ExchangeSim;
  let clock: InstantClock;
  beforeEach(async () => {
    clock = new InstantClock();
    sim = await createExchangeSim({ seed: 7, port: 0, rateLimitPerMinute: 2, clock });
  });
  afterEach(() => sim.close());

  const client = (extra: object = {}) => new EquityClient(new MassiveRest({ apiKey: 'shared-key', restBaseUrl: sim.url, clock, retryPolicy: { ...policy, ...extra } }));

  it('keeps retrying until the window has passed, then gets the data', async () => {
    const equities = client();
    // The other process used the window's two requests.
    await client().minuteBars('SPY', '2025-03-03', '2025-03-03');
    await client().minuteBars('SPY', '2025-03-04', '2025-03-04');
    const started = clock.now();
    const { records } = await equities.minuteBars('SPY', '2025-03-05', '2025-03-05');
    expect(records).toHaveLength(390);
    expect(sim.stats().statuses['429']).toBeGreaterThan(policy.maxAttempts - 1);
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000 - 1000);
  });

  it('gives up with RETRIES_EXHAUSTED once the configured total wait is spent', async () => {
    await client().minuteBars('SPY', '2025-03-03', '2025-03-03');
    await client().minuteBars('SPY', '2025-03-04', '2025-03-04');
    await expect(client({ rateLimitMaxWaitMs: 20_000 }).minuteBars('SPY', '2025-03-05', '2025-03-05')).rejects.toMatchObject({
      code: 'RETRIES_EXHAUSTED',
      message: expect.stringMatching(/waited on 429s/),
    });
  });
});
