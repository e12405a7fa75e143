import type { ValidationIssue } from '@spyglass/core';
import { checkIngestedAt, checkTimestamp } from './bar-checks.js';
import { checkContractMatchesTicker, readContractFields, readOccTicker } from './contract-checks.js';
import { validationFieldReader } from './field-reader.js';
import { ValidationCode } from './issue-codes.js';

const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/**
 * Validates a news article ({@link NewsArticle} shape): a non-empty `id` (the de-duplication key),
 * ticker, title, publisher and URL, a published timestamp, string arrays, a known sentiment (or
 * null) and well-formed insights. News has no session rule: articles are published at any hour.
 *
 * @example
 * ```ts
 * validateNewsArticle({ ticker: 'SPY', title: 'x' }).some((i) => i.path[0] === 'id'); // true
 * ```
 */
export function validateNewsArticle(input: unknown): ValidationIssue[] {
  const r = validationFieldReader(input);
  if (!r.isObject) return r.issues;
  r.string('id');
  r.string('ticker');
  checkTimestamp(r, 'timestamp', {}, false);
  r.string('title');
  r.string('author', { optional: true, allowEmpty: true });
  r.string('publisher');
  const url = r.string('articleUrl');
  if (url !== undefined && !/^https?:\/\//.test(url)) {
    r.issue(ValidationCode.WRONG_TYPE, ['articleUrl'], `articleUrl ${JSON.stringify(url)} is not an http(s) URL`);
  }
  r.stringArray('tickers');
  r.stringArray('keywords');
  r.string('description', { optional: true, allowEmpty: true });
  r.oneOf('sentiment', SENTIMENTS, { optional: true });
  r.string('sentimentReasoning', { optional: true, allowEmpty: true });
  const insights = r.raw('insights');
  if (insights === undefined || insights === null) {
    r.issue(ValidationCode.MISSING_FIELD, ['insights'], 'insights is required (use [] when the article has none)');
  } else if (!Array.isArray(insights)) {
    r.issue(ValidationCode.WRONG_TYPE, ['insights'], 'insights must be an array');
  } else {
    insights.forEach((insight, i) => {
      const sub = validationFieldReader(insight);
      if (sub.isObject) {
        sub.string('ticker');
        sub.oneOf('sentiment', SENTIMENTS);
        sub.string('sentimentReasoning', { allowEmpty: true });
      }
      for (const issue of sub.issues) r.issue(issue.code as ValidationCode, ['insights', i, ...issue.path], issue.message);
    });
  }
  checkIngestedAt(r);
  return r.issues;
}

/**
 * Validates an option contract from the reference endpoint: OCC ticker agreeing with its fields,
 * a real expiration date, positive strike, known type and exercise style, whole shares per contract.
 *
 * @example
 * ```ts
 * validateContract({ ticker: 'O:SPY250304C00601000', underlying: 'SPY', expiration: '2025-03-04', strike: 601,
 *   contractType: 'call', exerciseStyle: 'american', sharesPerContract: 100, primaryExchange: null }); // []
 * ```
 */
export function validateContract(input: unknown): ValidationIssue[] {
  const r = validationFieldReader(input);
  if (!r.isObject) return r.issues;
  const id = readOccTicker(r);
  const fields = readContractFields(r);
  r.oneOf('exerciseStyle', ['american', 'european'] as const);
  const shares = r.number('sharesPerContract');
  if (shares !== undefined && (!Number.isInteger(shares) || shares <= 0)) {
    r.issue(ValidationCode.NOT_INTEGER, ['sharesPerContract'], `sharesPerContract must be a positive integer, got ${shares}`);
  }
  r.string('primaryExchange', { optional: true });
  checkContractMatchesTicker(r, id, fields);
  return r.issues;
}
