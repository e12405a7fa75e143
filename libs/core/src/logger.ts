import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { REDACTED, redactSecrets } from './redact-secrets.js';

/**
 * The logger type every spyglass library accepts: a pino logger.
 *
 * @example
 * ```ts
 * function fetchBars(opts: { logger: Logger }) { opts.logger.child({ component: 'sources' }).info('fetching'); }
 * ```
 */
export type Logger = PinoLogger;

/**
 * Field paths pino masks outright (fast-redact has no recursive wildcard, so deeper credential fields
 * are masked by the key-name walk below, and every output line is scrubbed for secrets at the end).
 * Exported for apps that build their own pino instance.
 *
 * @example
 * ```ts
 * const custom = pino({ redact: { paths: [...REDACT_PATHS], censor: REDACTED } });
 * ```
 */
export const REDACT_PATHS: readonly string[] = [
  'apiKey',
  'key',
  'token',
  'password',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.password',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

// Field names whose value is a credential at any depth (compared lower-cased).
const CREDENTIAL_KEYS = new Set(['apikey', 'api_key', 'token', 'access_token', 'accesstoken', 'authorization', 'password', 'secret', 'cookie']);
const MAX_DEPTH = 8;

/**
 * Options of {@link createLogger}.
 *
 * @example
 * ```ts
 * const opts: LoggerOptions = { level: 'debug', pretty: process.stdout.isTTY, secrets: [apiKey] };
 * ```
 */
export interface LoggerOptions {
  /** pino level: trace, debug, info (default), warn, error, fatal, silent. */
  level?: string;
  /** Human-readable output through pino-pretty; apps pass `process.stdout.isTTY`. Default JSON lines. */
  pretty?: boolean;
  /** Logger name, written as `name` on every line. */
  name?: string;
  /** Secret values (the API key) masked wherever they appear in any line. */
  secrets?: string[];
  /** Where lines go; default stdout (synchronously, so nothing is lost on a crash). */
  destination?: DestinationStream;
  /**
   * Keep `stack` in serialised errors (default false: a log line says what failed, where and why;
   * apps turn stacks on for debugging, e.g. with `SPYGLASS_DEBUG=1`).
   */
  stacks?: boolean;
}

function scrubValue(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>, stacks = true): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  // Errors are serialised first so their message, stack and cause chain are scrubbed like any string.
  const source = value instanceof Error ? stdSerializers.err(value) : value;
  if (Array.isArray(source)) return source.map((v) => scrubValue(v, secrets, depth + 1, seen, stacks));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) {
    if (!stacks && k === 'stack' && typeof v === 'string') continue;
    out[k] = CREDENTIAL_KEYS.has(k.toLowerCase()) && v != null ? REDACTED : scrubValue(v, secrets, depth + 1, seen, stacks);
  }
  return out;
}

function serializeError(e: unknown): unknown {
  return e instanceof Error ? stdSerializers.err(e) : e;
}

/** Wraps a destination so that each serialised line is scrubbed before it is written: the last line of defence. */
function scrubbingStream(target: DestinationStream, secrets: readonly string[]): DestinationStream {
  return { write: (line: string) => target.write(redactSecrets(line, secrets)) };
}

/**
 * Creates the root pino logger. JSON lines by default, pino-pretty when `pretty`; credentials are
 * masked three ways: pino `redact` paths, a walk that masks credential-named fields at any depth and
 * scrubs every string field (URLs with `apiKey=`, error messages and stacks), and a final scrub of
 * each output line for the given secrets. Components log through children:
 * `logger.child({ component: 'sources' })`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info', pretty: process.stdout.isTTY, secrets: [apiKey] });
 * const log = logger.child({ component: 'backfill' });
 * log.info({ url: `https://api.massive.com/v2/aggs?apiKey=${apiKey}` }, 'fetching'); // apiKey=[REDACTED]
 * ```
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const secrets = (opts.secrets ?? []).filter((s) => typeof s === 'string' && s.length > 0);
  const base = opts.destination ?? pino.destination({ dest: 1, sync: true });
  // Colours only when writing to the real stdout (pino-pretty detects colour support there).
  const target = opts.pretty
    ? pretty({ destination: base, sync: true, translateTime: 'SYS:standard', ...(opts.destination ? { colorize: false } : {}) })
    : base;
  return pino(
    {
      level: opts.level ?? 'info',
      ...(opts.name ? { name: opts.name } : {}),
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // The log formatter has already serialised and scrubbed Error instances; the serializers only
      // handle errors it could not reach (deeper than MAX_DEPTH) and must not re-wrap plain objects.
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        log: (obj) => scrubValue(obj, secrets, 0, new WeakSet(), opts.stacks ?? false) as Record<string, unknown>,
        bindings: (bindings) => scrubValue(bindings, secrets, 0, new WeakSet()) as Record<string, unknown>,
      },
    },
    scrubbingStream(target, secrets),
  );
}
