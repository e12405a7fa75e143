import type { ContractType } from '@spyglass/core';

/** The parts of an OCC option ticker. */
export interface OccParts {
  readonly underlying: string;
  /** `YYYY-MM-DD`. */
  readonly expiration: string;
  readonly contractType: ContractType;
  readonly strike: number;
}

const OCC = /^O:([A-Z.]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

/**
 * Builds `O:SPY250304C00601000` from its parts (strike in thousandths, 8 digits).
 *
 * @example
 * ```ts
 * occTicker({ underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 }); // 'O:SPY250304C00601000'
 * ```
 */
export function occTicker(p: OccParts): string {
  const ymd = p.expiration.slice(2).replaceAll('-', '');
  const strike = String(Math.round(p.strike * 1000)).padStart(8, '0');
  return `O:${p.underlying}${ymd}${p.contractType === 'call' ? 'C' : 'P'}${strike}`;
}

/** Parses an OCC option ticker, or returns null when it is not one. */
export function parseOccTicker(ticker: string): OccParts | null {
  const m = OCC.exec(ticker);
  if (!m) return null;
  return {
    underlying: m[1]!,
    expiration: `20${m[2]}-${m[3]}-${m[4]}`,
    contractType: m[5] === 'C' ? 'call' : 'put',
    strike: Number(m[6]) / 1000,
  };
}
