import { substituteEnv } from './env-substitution.js';

const env = { A: 'alpha', EMPTY: '', MASSIVE_API_KEY: 'mkey', POLYGON_API_KEY: 'pkey' };

describe('substituteEnv', () => {
  it.each([
    ['plain text', 'plain text'],
    ['${A}', 'alpha'],
    ['x-${A}-y', 'x-alpha-y'],
    ['${EMPTY}', ''],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'], // `:-` also covers set-but-empty, as in the shell
    ['${A:-fallback}', 'alpha'],
    ['${MISSING:-}', ''],
    ['${MISSING:-${A}}', 'alpha'],
    ['${MASSIVE_API_KEY:-${POLYGON_API_KEY:-}}', 'mkey'],
    ['${NOPE:-${POLYGON_API_KEY:-}}', 'pkey'],
    ['${NOPE:-${NADA:-none}}', 'none'],
    ['${A:-${UNSET_BUT_UNUSED}}', 'alpha'], // an unused default is not evaluated
    ['${MISSING:-./data}/raw', './data/raw'],
    ['cost $$5 ${A}', 'cost $5 alpha'],
    ['$A stays', '$A stays'],
  ])('%s → %s', (input, expected) => {
    expect(substituteEnv(input, env)).toBe(expected);
  });

  it.each([
    ['${UNSET}', 'environment variable UNSET is not set'],
    ['${MISSING:-${UNSET}}', 'environment variable UNSET is not set'],
    ['${A', 'expected "}" or ":-"'],
    ['${A:-x', 'missing "}"'],
    ['${1X}', 'expected a variable name'],
  ])('%s fails: %s', (input, reason) => {
    expect(() => substituteEnv(input, env)).toThrow(expect.objectContaining({ code: 'CONFIG', message: expect.stringContaining(reason) }));
  });
});
