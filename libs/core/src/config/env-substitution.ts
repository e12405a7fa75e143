import { SpyglassError } from '../errors.js';

/**
 * Environment variables as a plain map; apps pass `process.env`, tests a literal.
 *
 * @example
 * ```ts
 * const env: Env = { MASSIVE_API_KEY: 'test-key' };
 * ```
 */
export type Env = Readonly<Record<string, string | undefined>>;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * Expands `${VAR}`, `${VAR:-default}` (default used when VAR is unset or empty, and may itself
 * contain `${…}`), and `$$` (a literal `$`). An unset `${VAR}` without default is an error rather
 * than an empty string, so a missing variable is reported instead of silently blanking a value.
 *
 * @example
 * ```ts
 * substituteEnv('${MASSIVE_API_KEY:-${POLYGON_API_KEY:-}}', { POLYGON_API_KEY: 'k' }); // 'k'
 * substituteEnv('${DATA_ROOT:-./data}/raw', {});                                       // './data/raw'
 * ```
 */
export function substituteEnv(text: string, env: Env): string {
  const [out, end] = expand(text, 0, env, false, true);
  if (end !== text.length) throw syntaxError(text, end, 'unexpected "}"');
  return out;
}

function syntaxError(text: string, at: number, why: string): SpyglassError {
  return new SpyglassError('CONFIG', `bad variable reference in "${text}" at ${at}: ${why}`, { details: { text, at } });
}

/**
 * Expands from `start` until the end, or until an unmatched `}` when `inDefault`. Returns [text, index].
 * With `evaluate` false it only finds the end: a default that is not used must not fail on its own
 * unset variables (as in the shell).
 */
function expand(text: string, start: number, env: Env, inDefault: boolean, evaluate: boolean): [string, number] {
  let out = '';
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '}' && inDefault) return [out, i];
    if (c === '$' && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      if (!m) throw syntaxError(text, i, 'expected a variable name after "${"');
      const name = m[0];
      const j = i + 2 + name.length;
      const value = env[name];
      if (text[j] === '}') {
        if (value === undefined && evaluate) {
          throw new SpyglassError('CONFIG', `environment variable ${name} is not set (write \${${name}:-default} to allow that)`, {
            details: { variable: name },
          });
        }
        out += value ?? '';
        i = j + 1;
        continue;
      }
      if (text.startsWith(':-', j)) {
        const useDefault = value === undefined || value === '';
        const [fallback, end] = expand(text, j + 2, env, true, evaluate && useDefault);
        if (text[end] !== '}') throw syntaxError(text, end, 'missing "}"');
        out += useDefault ? fallback : value;
        i = end + 1;
        continue;
      }
      throw syntaxError(text, j, 'expected "}" or ":-"');
    }
    out += c;
    i++;
  }
  if (inDefault) throw syntaxError(text, i, 'missing "}"');
  return [out, i];
}
