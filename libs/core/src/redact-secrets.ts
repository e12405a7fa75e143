/**
 * What every redacted value is replaced with.
 *
 * @example
 * ```ts
 * expect(line).toContain(`apiKey=${REDACTED}`);
 * ```
 */
export const REDACTED = '[REDACTED]';

// Query parameters that carry credentials in the Massive/Polygon API and common OAuth-style URLs.
// The value stops at URL and prose delimiters, so `…?apiKey=K: 503` keeps its colon.
const CREDENTIAL_PARAM = /\b(api[_-]?key|access[_-]?token|token)=([^&\s"'#\\:,;()<>[\]]+)/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
// Shorter strings would mask ordinary words; real API keys are 20+ characters.
const MIN_SECRET_LENGTH = 4;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks secrets in free text: each given secret (also in its JSON-escaped form), every
 * `apiKey=` / `api_key=` / `token=` / `access_token=` query value and every `Bearer` credential.
 * Secrets shorter than 4 characters are ignored, so an empty key never blanks a whole message.
 *
 * @example
 * ```ts
 * redactSecrets('GET https://api.massive.com/v2/aggs?apiKey=abc123&limit=5');
 * // 'GET https://api.massive.com/v2/aggs?apiKey=[REDACTED]&limit=5'
 * redactSecrets('auth with sk-canary-1234', ['sk-canary-1234']); // 'auth with [REDACTED]'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    const forms = escaped === secret ? [secret] : [secret, escaped];
    for (const form of forms) out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
  }
  return out.replace(CREDENTIAL_PARAM, `$1=${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
}
