import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Scalar } from 'yaml';
import type { z } from 'zod';
import { SpyglassError } from '../errors.js';
import type { ValidationIssue } from '../validation-issue.js';
import { substituteEnv, type Env } from './env-substitution.js';
import { mlConfigSchema, type MlConfig } from './ml-schema.js';
import { pipelineConfigSchema, type PipelineConfig } from './pipeline-schema.js';
import { retryConfigSchema, type RetryConfig } from './retry-schema.js';
import { settingsConfigSchema, type SettingsConfig } from './settings-schema.js';
import { sinksConfigSchema, type SinksConfig } from './sinks-schema.js';
import { sourcesConfigSchema, type SourcesConfig } from './sources-schema.js';

/**
 * The whole validated configuration; apps load it once and pass sections to libraries.
 *
 * @example
 * ```ts
 * const config: SpyglassConfig = loadConfig({ dir: 'config', env: process.env });
 * await runBackfill({ sources: config.sources, retry: config.retry });
 * ```
 */
export type SpyglassConfig = {
  settings: SettingsConfig;
  sources: SourcesConfig;
  sinks: SinksConfig;
  retry: RetryConfig;
  pipeline: PipelineConfig;
  ml: MlConfig;
};

/**
 * Section → file name inside the config directory.
 *
 * @example
 * ```ts
 * join(dir, CONFIG_FILES.retry); // 'config/retry_policy.yaml'
 * ```
 */
export const CONFIG_FILES = {
  settings: 'settings.yaml',
  sources: 'sources.yaml',
  sinks: 'sinks.yaml',
  retry: 'retry_policy.yaml',
  pipeline: 'pipeline.yaml',
  ml: 'ml.yaml',
} as const satisfies Record<keyof SpyglassConfig, string>;

const SCHEMAS: { [K in keyof SpyglassConfig]: z.ZodType<SpyglassConfig[K], unknown> } = {
  settings: settingsConfigSchema,
  sources: sourcesConfigSchema,
  sinks: sinksConfigSchema,
  retry: retryConfigSchema,
  pipeline: pipelineConfigSchema,
  ml: mlConfigSchema,
};

/**
 * Options of {@link loadConfig}.
 *
 * @example
 * ```ts
 * const opts: LoadConfigOptions = { dir: argv.configDir, env: process.env, overrides: { sources: { tickers: { equities: [argv.ticker] } } } };
 * ```
 */
export interface LoadConfigOptions {
  /** Directory holding the YAML files; each file is optional, the directory is not. */
  dir: string;
  /** Variables for `${VAR}` substitution and the API-key fallback; apps pass `process.env`. */
  env: Env;
  /** Values laid over the files before validation, e.g. from CLI flags: `{ sources: { massive: { rateLimit: { requestsPerMinute: null } } } }`. */
  overrides?: unknown;
  /**
   * Told about each deprecated key that was read under its new name (see {@link DEPRECATED_CONFIG_KEYS}).
   * Apps log these once their logger exists; without it each becomes a process `DeprecationWarning`,
   * so an old key is never taken silently.
   */
  onDeprecated?: (deprecation: ConfigDeprecation) => void;
}

/**
 * A deprecated key found in a config file and read under its successor.
 *
 * @example
 * ```ts
 * const seen: ConfigDeprecation[] = [];
 * loadConfig({ dir: 'config', env: process.env, onDeprecated: (d) => seen.push(d) });
 * for (const d of seen) console.warn(d.message);
 * ```
 */
export interface ConfigDeprecation {
  /** File (or `overrides.<section>`) the key came from. */
  readonly file: string;
  /** Key path of the old key, e.g. `['options', 'discoveryRangePct']`. */
  readonly path: readonly string[];
  /** Key path it was read as. */
  readonly replacement: readonly string[];
  /** Value as written and as read (differs when the old key held a percent). */
  readonly from: unknown;
  readonly to: unknown;
  /** One line for the log: file, old key, new key, value conversion, what to write instead. */
  readonly message: string;
}

/**
 * Keys renamed when every quantity became a fraction, still read under their successor with a
 * deprecation warning so an existing config file keeps working. `percent` marks an old key that held
 * a percent (its value is divided by 100); `discoveryRangePct` already held a fraction despite its name.
 *
 * @example
 * ```ts
 * DEPRECATED_CONFIG_KEYS.find((k) => k.from === 'degradationPct')?.to; // 'degradationRatio'
 * ```
 */
export const DEPRECATED_CONFIG_KEYS = [
  { section: 'sources', parent: ['options'], from: 'discoveryRangePct', to: 'discoveryRange', percent: false },
  { section: 'pipeline', parent: ['trainingPrep'], from: 'minTargetCoveragePct', to: 'minTargetCoverage', percent: true },
  { section: 'settings', parent: ['monitoring', 'performance'], from: 'degradationPct', to: 'degradationRatio', percent: true },
] as const satisfies ReadonlyArray<{
  section: keyof SpyglassConfig;
  parent: readonly string[];
  from: string;
  to: string;
  percent: boolean;
}>;

type Path = Array<string | number>;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function configError(where: string, issues: ValidationIssue[]): SpyglassError {
  const lines = issues.map((i) => `${where}: ${i.path.length ? `${formatPath(i.path)}: ` : ''}${i.message}`);
  return new SpyglassError('CONFIG', lines.join('\n'), { details: { file: where, issues } });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Plain `${…}` scalars that expand to a number, boolean or null take that type, as if written in YAML. */
function retype(text: string): unknown {
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Key path of a node from the ancestors `visit` hands over. */
function pathOf(ancestors: readonly unknown[], node: unknown): Path {
  const path: Path = [];
  const chain = [...ancestors, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && child === parent.value) path.push(isScalar(parent.key) ? String(parent.key.value) : String(parent.key));
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
  }
  return path;
}

/** Reads one YAML file: syntax errors, then `${…}` substitution in values. Missing file → undefined. */
function readYaml(file: string, env: Env): unknown {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    // A directory in its place, no permission…: name the file, not only the errno.
    const why = (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory, not a YAML file' : `cannot be read (${(e as Error).message})`;
    throw configError(file, [{ code: 'UNREADABLE', path: [], message: why }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw configError(
      file,
      doc.errors.map((e) => ({ code: 'YAML_SYNTAX', path: [], message: e.message.replace(/\s+/g, ' ').trim() })),
    );
  }
  const issues: ValidationIssue[] = [];
  visit(doc, {
    Scalar(key, node: Scalar, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      try {
        const text = substituteEnv(node.value, env);
        // Quoted scalars stay strings (an all-digit API key must not become a number).
        node.value = node.type === 'PLAIN' ? retype(text) : text;
      } catch (e) {
        issues.push({ code: 'ENV_SUBSTITUTION', path: pathOf(ancestors, node), message: (e as Error).message });
      }
    },
  });
  if (issues.length > 0) throw configError(file, issues);
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (!isMap(doc.contents)) throw configError(file, [{ code: 'NOT_A_MAPPING', path: [], message: 'expected a mapping of keys at the top level' }]);
  return value;
}

/** Deep merge: objects merge key by key, anything else (arrays included) replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let cur = value;
  for (const p of path) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return false;
    if (!(String(p) in cur)) return false;
    cur = (cur as Record<string, unknown>)[String(p)];
  }
  return true;
}

// Renamed keys whose value is not a number (so cannot be read as the successor): named with it.
const RENAMED_KEYS: Readonly<Record<string, string>> = {
  discoveryRangePct: 'renamed to discoveryRange, a fraction (0.01 = ±1 %)',
  minTargetCoveragePct: 'renamed to minTargetCoverage, a fraction (0.5 = 50 %; the old value / 100)',
  degradationPct: 'renamed to degradationRatio, a fraction (0.5 = 50 %; the old value / 100)',
};

function toIssues(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const i of error.issues) {
    const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) issues.push({ code: 'unrecognized_key', path: [...path, k], message: RENAMED_KEYS[k] ?? 'unknown key' });
    } else issues.push({ code: i.code, path, message: i.message });
  }
  return issues;
}

/**
 * Loads and validates the configuration directory: `settings.yaml`, `sources.yaml`, `sinks.yaml`,
 * `retry_policy.yaml`, `pipeline.yaml`, `ml.yaml`. Every field has a default, so a missing file is
 * fine; a present but invalid value throws `SpyglassError('CONFIG')` whose message names the file,
 * the key path and the reason, one line per problem, e.g.
 * `config/ml.yaml: split.train: Invalid input: expected number, received string`
 * (`details.issues` holds them as {@link ValidationIssue}s). Values support `${VAR}` and
 * `${VAR:-default}`; unknown keys are errors, so a typo is not silently ignored.
 *
 * @example
 * ```ts
 * import { loadConfig, createLogger, configSecrets } from '@spyglass/core';
 * const config = loadConfig({ dir: 'config', env: process.env, overrides: { settings: { logLevel: 'debug' } } });
 * const logger = createLogger({ level: config.settings.logLevel, secrets: configSecrets(config) });
 * ```
 */
export function loadConfig(opts: LoadConfigOptions): SpyglassConfig {
  if (!existsSync(opts.dir) || !statSync(opts.dir).isDirectory()) {
    throw new SpyglassError('CONFIG', `config directory ${opts.dir} does not exist`, { details: { dir: opts.dir } });
  }
  if (opts.overrides !== undefined && !isPlainObject(opts.overrides)) {
    throw configError('overrides', [{ code: 'NOT_A_MAPPING', path: [], message: 'expected an object keyed by section' }]);
  }
  const overrides = (opts.overrides ?? {}) as Record<string, unknown>;
  const unknownSections = Object.keys(overrides).filter((k) => !(k in CONFIG_FILES));
  if (unknownSections.length > 0) {
    throw configError(
      'overrides',
      unknownSections.map((k) => ({ code: 'unrecognized_key', path: [k], message: `unknown section (one of ${Object.keys(CONFIG_FILES).join(', ')})` })),
    );
  }

  const out: Partial<Record<keyof SpyglassConfig, unknown>> = {};
  for (const section of Object.keys(CONFIG_FILES) as Array<keyof SpyglassConfig>) {
    const file = join(opts.dir, CONFIG_FILES[section]);
    const fromFile = readYaml(file, opts.env);
    // Precedence, lowest first: the file, the environment, the caller's overrides (the CLI's flags:
    // `--sim` must reach its embedded simulator even where MASSIVE_REST_URL points elsewhere).
    let raw: unknown = fromFile ?? {};
    if (section === 'sources') raw = withEndpointOverrides(withApiKeyFallback(raw, opts.env), opts.env);
    raw = merge(raw, overrides[section]);
    raw = withDeprecatedKeys(section, raw, fromFile === undefined || !hasDeprecated(section, fromFile) ? `overrides.${section}` : file, opts.onDeprecated ?? emitDeprecation);
    const parsed = SCHEMAS[section].safeParse(raw);
    if (!parsed.success) {
      const issues = toIssues(parsed.error);
      const fromOverrides = issues.filter((i) => hasPath(overrides[section], i.path));
      const fromFiles = issues.filter((i) => !fromOverrides.includes(i));
      throw configError(fromFiles.length > 0 ? file : `overrides.${section}`, fromFiles.length > 0 ? fromFiles : fromOverrides);
    }
    out[section] = parsed.data;
  }
  const config = out as SpyglassConfig;
  checkAcrossFiles(config, opts.dir);
  return config;
}

function hasDeprecated(section: keyof SpyglassConfig, raw: unknown): boolean {
  return DEPRECATED_CONFIG_KEYS.some((k) => k.section === section && hasPath(raw, [...k.parent, k.from]));
}

function emitDeprecation(d: ConfigDeprecation): void {
  process.emitWarning(d.message, { type: 'DeprecationWarning', code: 'SPYGLASS_CONFIG_DEPRECATED' });
}

/**
 * Moves each deprecated key of the section to its successor (dividing a percent by 100) and reports
 * it. Both keys at once is an error, as is a non-number (left in place, the schema then names it).
 */
function withDeprecatedKeys(section: keyof SpyglassConfig, raw: unknown, where: string, report: (d: ConfigDeprecation) => void): unknown {
  let out = raw;
  for (const key of DEPRECATED_CONFIG_KEYS) {
    if (key.section !== section) continue;
    let parent: unknown = out;
    for (const p of key.parent) parent = isPlainObject(parent) ? parent[p] : undefined;
    if (!isPlainObject(parent) || !(key.from in parent)) continue;
    const value = parent[key.from];
    if (typeof value !== 'number') continue;
    const path = [...key.parent, key.from];
    const replacement = [...key.parent, key.to];
    if (key.to in parent) {
      throw configError(where, [{ code: 'deprecated_key_conflict', path, message: `deprecated; remove it: ${formatPath(replacement)} is also set` }]);
    }
    const to = key.percent ? value / 100 : value;
    const { [key.from]: _old, ...rest } = parent;
    out = setAt(out, key.parent, { ...rest, [key.to]: to });
    const conversion = key.percent ? `${value} % read as ${to}` : `${value} read as is (it already held a fraction)`;
    report({
      file: where, path, replacement, from: value, to,
      message: `${where}: ${formatPath(path)} is deprecated: read as ${formatPath(replacement)} (${conversion}); write ${key.to}: ${to} instead`,
    });
  }
  return out;
}

function setAt(root: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const obj = isPlainObject(root) ? root : {};
  const [head, ...tail] = path as [string, ...string[]];
  return { ...obj, [head]: setAt(obj[head], tail, value) };
}

/** MASSIVE_API_KEY, then POLYGON_API_KEY, when sources.yaml does not set `massive.apiKey`. */
function withApiKeyFallback(raw: unknown, env: Env): unknown {
  if (!isPlainObject(raw)) return raw;
  const massive = raw.massive;
  if (massive !== undefined && !isPlainObject(massive)) return raw;
  if (massive && 'apiKey' in massive) return raw;
  const apiKey = env.MASSIVE_API_KEY || env.POLYGON_API_KEY || '';
  return { ...raw, massive: { ...(massive ?? {}), apiKey } };
}

/**
 * MASSIVE_REST_URL / MASSIVE_WS_URL win over whatever sources.yaml holds (or leaves out): the key
 * comes from the environment, so the endpoint it is meant for must too, never the built-in default.
 */
function withEndpointOverrides(raw: unknown, env: Env): unknown {
  if (!isPlainObject(raw)) return raw;
  const massive = isPlainObject(raw.massive) ? raw.massive : {};
  const over = (section: 'rest' | 'ws', value: string | undefined) => {
    const current = isPlainObject(massive[section]) ? massive[section] : {};
    return value ? { [section]: { ...current, baseUrl: value } } : {};
  };
  const rest = over('rest', env.MASSIVE_REST_URL);
  const ws = over('ws', env.MASSIVE_WS_URL);
  if (!('rest' in rest) && !('ws' in ws)) return raw;
  return { ...raw, massive: { ...massive, ...rest, ...ws } };
}

function checkAcrossFiles(config: SpyglassConfig, dir: string): void {
  const window = config.pipeline.labels.windowMinutes;
  if (config.ml.walkForward.purgeMinutes < window) {
    throw configError(join(dir, CONFIG_FILES.ml), [
      {
        code: 'too_small',
        path: ['walkForward', 'purgeMinutes'],
        message: `${config.ml.walkForward.purgeMinutes} is below the label window pipeline.labels.windowMinutes (${window}): labels would leak from test into train`,
      },
    ]);
  }
}

/**
 * The secret values of a configuration (the API key), for {@link createLogger}'s `secrets`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ secrets: configSecrets(config) });
 * ```
 */
export function configSecrets(config: Pick<SpyglassConfig, 'sources'>): string[] {
  return config.sources.massive.apiKey ? [config.sources.massive.apiKey] : [];
}
