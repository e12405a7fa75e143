/**
 * The logging surface storage needs; a pino logger (or `console`) satisfies it.
 *
 * @example
 * ```ts
 * const logger: StorageLogger = { info: () => {}, warn: (obj, msg) => console.warn(msg, obj) };
 * ```
 */
export interface StorageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Discards everything: the default when no logger is passed. */
export const silentLogger: StorageLogger = { info: () => undefined, warn: () => undefined };
