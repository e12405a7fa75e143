import { isSpyglassError } from '@spyglass/core';
import { parseFaults } from './sim.js';

describe('parseFaults', () => {
  it('reads name=number pairs', () => {
    expect(parseFaults('rate429=0.1,wsDropAfter=100')).toEqual({ rate429: 0.1, wsDropAfter: 100 });
    expect(parseFaults(undefined)).toEqual({});
  });

  it.each(['nope=1', 'rate429', 'rate429=abc', 'rate429=-1', 'rate429=2', 'wsDropRate=1.5'])('rejects %s as INVALID_ARGUMENT (exit code 2)', (spec) => {
    let caught: unknown;
    try {
      parseFaults(spec);
    } catch (e) {
      caught = e;
    }
    expect(isSpyglassError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toContain(`"${spec}"`);
  });
});
