import { ContractSelector, type InputFunction } from './contract-selector.js';
import { promptSelectionParams } from './selection-prompt.js';

/** A scripted prompt: answers in order and records every question it was asked. */
function scripted(answers: string[]): InputFunction & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (q: string) => {
    asked.push(q);
    const a = answers.shift();
    if (a === undefined) throw new Error(`unexpected question: ${q}`);
    return a;
  };
  return Object.assign(fn, { asked });
}

describe('ContractSelector in TEST mode', () => {
  it('builds n calls above and n puts at or below the opening without asking anything when all parameters are set', async () => {
    const input = scripted([]);
    const s = new ContractSelector({ mode: 'test', input, params: { underlying: 'SPY', increment: 0.5, nCalls: 2, nPuts: 2, expiry: 'same_day' } });
    const sel = await s.select('2025-03-04', 593.88);
    expect(sel.calls.map((c) => c.ticker)).toEqual(['O:SPY250304C00594000', 'O:SPY250304C00594500']);
    expect(sel.puts.map((c) => c.ticker)).toEqual(['O:SPY250304P00593500', 'O:SPY250304P00593000']);
    expect(sel.puts[0]).toMatchObject({ underlying: 'SPY', expiration: '2025-03-04', strike: 593.5, contractType: 'put' });
    expect(input.asked).toEqual([]);
  });

  it('asks each missing parameter once, then reuses the answers for every date', async () => {
    const input = scripted(['spy', '1', '1', '1', 'next_trading_day']);
    const s = new ContractSelector({ mode: 'test', input });
    const friday = await s.select('2025-03-07', 575.2);
    const monday = await s.select('2025-03-10', 570);
    expect(input.asked).toHaveLength(5);
    expect(friday.expiration).toBe('2025-03-10');
    expect(friday.calls[0].ticker).toBe('O:SPY250310C00576000');
    expect(friday.puts[0].ticker).toBe('O:SPY250310P00575000');
    expect(monday.puts[0].ticker).toBe('O:SPY250311P00570000');
  });

  it('asks for the date of the fixed convention', async () => {
    const input = scripted(['2025-03-21']);
    const s = new ContractSelector({ mode: 'test', input, params: { underlying: 'SPY', increment: 1, nCalls: 1, nPuts: 0, expiry: 'fixed' } });
    const sel = await s.select('2025-03-04', 600.5);
    expect(sel.calls.map((c) => c.ticker)).toEqual(['O:SPY250321C00601000']);
    expect(sel.puts).toEqual([]);
  });

  it.each([
    [['SPY', 'zero', '1', '1', 'same_day'], 'increment'],
    [['SPY', '0.5', '-2', '1', 'same_day'], 'nCalls'],
    [['SPY', '0.5', '1', '1', 'monthly'], 'expiry'],
  ])('rejects bad answers %j', async (answers, what) => {
    const s = new ContractSelector({ mode: 'test', input: scripted(answers) });
    await expect(s.select('2025-03-04', 600)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(what) });
  });

  it('fails with CONFIG when a parameter is missing and there is no input function', async () => {
    const s = new ContractSelector({ mode: 'test', params: { underlying: 'SPY' } });
    await expect(s.select('2025-03-04', 600)).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('refuses prod mode without a lister', () => {
    expect(() => new ContractSelector({ mode: 'prod' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('promptSelectionParams (the original step 26 prompt)', () => {
  const defaults = { underlying: 'SPY', increment: 0.5, nCalls: 4, nPuts: 4, expiry: 'same_day' as const };

  it('asks every parameter, showing the configured value; an empty answer keeps it', async () => {
    const input = scripted(['', '1', '3', '', '']);
    expect(await promptSelectionParams(input, defaults)).toEqual({ ...defaults, increment: 1, nCalls: 3 });
    expect(input.asked).toEqual([
      'Underlying ticker (e.g. SPY) [SPY]: ',
      'Strike increment in dollars (SPY daily expirations: 1) [0.5]: ',
      'Number of calls above the opening price [4]: ',
      'Number of puts at or below the opening price [4]: ',
      `Expiry convention (${['same_day', 'next_calendar_day', 'next_trading_day', 'next_friday', 'fixed'].join(', ')}) [same_day]: `,
    ]);
  });

  it.each([
    [['', '', 'two', '', ''], 'nCalls'],
    [['', '', '', '', 'fixed', 'someday'], 'fixed'],
  ])('rejects a bad answer %j naming %s', async (answers, what) => {
    await expect(promptSelectionParams(scripted(answers), defaults)).rejects.toThrow(what);
  });
});
