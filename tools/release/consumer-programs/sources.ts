// @spyglass/sources + @spyglass/exchange-sim from the registry: a REST request to the simulator.
import assert from 'node:assert/strict';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { EquityClient, MassiveRest } from '@spyglass/sources';

const sim = await createExchangeSim({ seed: 42, port: 0, sessionDate: '2025-03-04', speed: 0 });
try {
  const rest = new MassiveRest({ apiKey: 'demo', restBaseUrl: sim.url });
  const spy = await new EquityClient(rest).minuteBars('SPY', '2025-03-04', '2025-03-04');
  assert.equal(spy.records.length, 390);
  assert.equal(spy.rejected.length, 0);
  console.log(`sources: ${spy.records.length} SPY bars from the simulator`);
} finally {
  await sim.close();
}
