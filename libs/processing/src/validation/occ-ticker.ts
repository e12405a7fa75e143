import type { ContractType } from '@spyglass/core';

/**
 * The fields encoded in an OCC option symbol.
 *
 * @example
 * ```ts
 * const parts: OccParts | null = parseOccTicker('O:SPY250304P00600000'); // put, strike 600
 * ```
 */
export interface OccParts {
  readonly underlying: string;
  readonly expiration: string;
  readonly contractType: ContractType;
  readonly strike: number;
}

const OCC = /^O:([A-Z][A-Z0-9.]{0,5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

/**
 * Parses `O:SPY250304C00601000` into its parts, or null when the symbol is malformed. The sources
 * library owns ticker building; this parser exists so processing can check stored records without
 * depending on sources (the dependency direction forbids it).
 *
 * @example
 * ```ts
 * parseOccTicker('O:SPY250304C00601000'); // { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 }
 * ```
 */
export function parseOccTicker(ticker: string): OccParts | null {
  const m = OCC.exec(ticker);
  if (!m) return null;
  const [, underlying, yy, mm, dd, cp, strike] = m;
  const expiration = `20${yy}-${mm}-${dd}`;
  const d = new Date(`${expiration}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== expiration) return null;
  return { underlying: underlying!, expiration, contractType: cp === 'C' ? 'call' : 'put', strike: Number(strike) / 1000 };
}
