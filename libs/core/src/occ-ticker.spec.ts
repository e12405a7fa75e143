import { SpyglassError } from './errors.js';
import { buildOccTicker, parseOccTicker, safeParseOccTicker, type OccContract } from './occ-ticker.js';

describe('OCC option tickers', () => {
  it.each<[string, OccContract]>([
    ['O:SPY250304C00601000', { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 }],
    ['O:SPY250304P00593500', { underlying: 'SPY', expiration: '2025-03-04', contractType: 'put', strike: 593.5 }],
    ['O:AAPL211119C00085000', { underlying: 'AAPL', expiration: '2021-11-19', contractType: 'call', strike: 85 }],
    ['O:A220520C00115000', { underlying: 'A', expiration: '2022-05-20', contractType: 'call', strike: 115 }],
    ['O:SPY251231P00000500', { underlying: 'SPY', expiration: '2025-12-31', contractType: 'put', strike: 0.5 }],
    ['O:SPXW240105C04750000', { underlying: 'SPXW', expiration: '2024-01-05', contractType: 'call', strike: 4750 }],
    ['O:SPY250304C00593300', { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 593.3 }],
  ])('%s round-trips', (ticker, contract) => {
    expect(parseOccTicker(ticker)).toEqual(contract);
    expect(buildOccTicker(contract)).toBe(ticker);
  });

  it.each([
    ['SPY250304C00601000', 'no O: prefix'],
    ['O:SPY250304X00601000', 'neither C nor P'],
    ['O:SPY250230C00601000', 'February 30th'],
    ['O:SPY250304C0060100', 'seven strike digits'],
    ['O:spy250304C00601000', 'lower-case root'],
    ['O:SPY250304C00000000', 'zero strike'],
  ])('rejects %s (%s) with an OCC_TICKER_INVALID issue', (ticker) => {
    const r = safeParseOccTicker(ticker);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: 'OCC_TICKER_INVALID', path: ['ticker'] });
    expect(() => parseOccTicker(ticker)).toThrow(SpyglassError);
  });

  it.each<[Partial<OccContract>, string]>([
    [{ strike: 0 }, 'strike'],
    [{ strike: 601.0004 }, 'multiple of 0.001'],
    [{ strike: 100_000 }, 'at most'],
    [{ expiration: '2025-3-4' }, 'YYYY-MM-DD'],
    [{ underlying: 'TOOLONG1' }, 'underlying'],
  ])('refuses to build %o', (patch, message) => {
    const base: OccContract = { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 };
    expect(() => buildOccTicker({ ...base, ...patch })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) }));
  });
});
