import { seededRandom } from '@spyglass/core';
import { BarBook, type ContractSession } from './bar-book.js';
import { randomEntryBaseline } from './random-entry-baseline.js';
import { simulateTrades, type EntrySignal } from './simulate-trades.js';
import { DEFAULT_TRADE_RULES } from './trade-rules.js';

// Ten contracts over five sessions of a seeded random walk: some rise 20 % within the horizon, most do not.
const DATES = ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07'];
function market(): { book: BarBook; candidates: EntrySignal[]; futureGain: Map<string, number> } {
  const rand = seededRandom(3);
  const sessions: ContractSession[] = [];
  const candidates: EntrySignal[] = [];
  const futureGain = new Map<string, number>();
  DATES.forEach((date, d) => {
    const open = Date.UTC(2025, 2, 3 + d, 14, 30);
    for (let c = 0; c < 10; c++) {
      const ticker = `C${c}`;
      const n = 390;
      const t: number[] = [], o: number[] = [], h: number[] = [], l: number[] = [], cl: number[] = [];
      let p = 1 + rand();
      for (let i = 0; i < n; i++) {
        const next = Math.max(0.05, p * Math.exp((rand() - 0.5) * 0.06));
        t.push(open + i * 60_000);
        o.push(Math.round(p * 100) / 100);
        cl.push(Math.round(next * 100) / 100);
        h.push(Math.max(o[i]!, cl[i]!) + 0.01);
        l.push(Math.max(0.01, Math.min(o[i]!, cl[i]!) - 0.01));
        p = next;
      }
      sessions.push({ ticker, date, t, open: o, high: h, low: l, close: cl });
      for (let i = 0; i < n - 1; i++) {
        candidates.push({ ticker, date, timestamp: t[i]!, probability: 0 });
        const ahead = cl.slice(i + 2, i + 60);
        futureGain.set(`${ticker}|${t[i]}`, ahead.length ? Math.max(...ahead) / o[i + 1]! - 1 : -1);
      }
    }
  });
  return { book: new BarBook(sessions), candidates, futureGain };
}

describe('randomEntryBaseline', () => {
  const { book, candidates, futureGain } = market();
  const rules = { ...DEFAULT_TRADE_RULES, maxOpenPositions: 50 };
  const pick = (n: number, score: (c: EntrySignal) => number): EntrySignal[] =>
    DATES.flatMap((date) => candidates.filter((c) => c.date === date).map((c) => ({ ...c, probability: score(c) })).sort((a, b) => b.probability - a.probability).slice(0, n));

  it('reproduces the model’s count per day and time bucket, and is seeded', () => {
    const signals = pick(6, () => 0.5 + 0.5 * Math.random());
    const a = randomEntryBaseline(signals, candidates, book, rules, { draws: 20, seed: 9 });
    const b = randomEntryBaseline(signals, candidates, book, rules, { draws: 20, seed: 9 });
    expect(a.totalPnl).toEqual(b.totalPnl);
    expect(a.totalPnl).toHaveLength(20);
    expect(a.trades.length).toBeGreaterThan(0);
    const perDay = (xs: readonly { date: string }[]) => DATES.map((d) => xs.filter((x) => x.date === d).length);
    expect(Math.max(...perDay(a.trades)) / 20).toBeLessThanOrEqual(6);
  });

  it('sums every draw’s returns per day, and with keepTrades: false keeps those sums without the trades', () => {
    const signals = pick(6, () => 0.5 + 0.5 * Math.random());
    const kept = randomEntryBaseline(signals, candidates, book, rules, { draws: 20, seed: 9 });
    const lean = randomEntryBaseline(signals, candidates, book, rules, { draws: 20, seed: 9, keepTrades: false });
    const byDay = new Map<string, { sum: number; count: number }>();
    for (const t of kept.trades) {
      const d = byDay.get(t.date) ?? byDay.set(t.date, { sum: 0, count: 0 }).get(t.date)!;
      d.sum += t.return;
      d.count++;
    }
    expect(lean.trades).toEqual([]);
    expect(lean.totalPnl).toEqual(kept.totalPnl);
    expect(new Map(kept.returnsByDay)).toEqual(byDay);
    expect(new Map(lean.returnsByDay)).toEqual(byDay);
  });

  it('places a model with no skill inside the distribution and a model with foresight above it', () => {
    const noSkillRandom = seededRandom(11);
    const noSkill = pick(8, () => noSkillRandom());
    const oracle = pick(8, (c) => futureGain.get(`${c.ticker}|${c.timestamp}`) ?? -1);
    const pnl = (s: EntrySignal[]) => simulateTrades(s, book, rules).trades.reduce((a, t) => a + t.pnlCents, 0) / 100;
    const base = randomEntryBaseline(noSkill, candidates, book, rules, { draws: 200 });
    const p = base.percentileOf(pnl(noSkill));
    expect(p).toBeGreaterThan(0.025);
    expect(p).toBeLessThan(0.975);
    expect(base.percentileOf(pnl(oracle))).toBeGreaterThan(0.95);
  });
});
