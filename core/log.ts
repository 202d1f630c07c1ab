/**
 * Moltbot's logger: pino with two layers of redaction. pino `redact` masks the configured paths
 * before serialization; then every serialized line goes through the pattern pass of
 * `redact.ts`, which catches what paths cannot (secrets deeper than a `*` wildcard, inside the
 * message, inside `err.message`/`err.stack`, or a rotated secret value).
 */
import pino from 'pino';
import { createRedactor, REDACTED } from './redact.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  /** Default 'info'. */
  level?: LogLevel;
  /** A stream-like object, or a file descriptor (default 1). */
  destination?: { write(chunk: string): unknown } | number;
  /** Dot paths with `*` (`gateway.auth.password`, `providers.*.apiKey`) masked by pino `redact`. */
  secretPaths?: string[];
  /** Literal secret values masked wherever they occur; read again for every line. */
  secretValues?: () => Iterable<string>;
  base?: Record<string, unknown>;
  /** More places every (already redacted) line goes to, e.g. the log-file plugin's file. */
  extraDestinations?: () => Iterable<LogDestination>;
}

export interface LogDestination {
  write(line: string): void;
}

export type Logger = import('pino').Logger;

/**
 * Paths masked even when the config declares none. Kept short on purpose: each `*.` path costs
 * pino a walk over every top-level key of every line (35 such paths measured ≈ 25 µs a line,
 * these ≈ 3 µs), and the pattern pass already masks every secret-looking key at any depth.
 */
const BUILTIN_SECRET_PATHS = [
  '*.password', '*.token', '*.apiKey', '*.secret',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
];

export function createLogger(opts: LoggerOptions = {}): Logger {
  const redactor = createRedactor(opts.secretValues ? { values: opts.secretValues } : {});
  const paths = [...new Set([...BUILTIN_SECRET_PATHS, ...(opts.secretPaths ?? [])])];
  // Synchronous writes to a file descriptor: log volume is low next to model and network
  // latency, and a line written before a crash or process.exit() must not sit in a buffer.
  const destination = typeof opts.destination === 'number' || opts.destination === undefined
    ? pino.destination({ dest: opts.destination ?? 1, sync: true })
    : opts.destination;
  return pino(
    {
      level: opts.level ?? 'info',
      ...(opts.base !== undefined ? { base: opts.base } : {}),
      redact: { paths, censor: REDACTED },
      // errWithCause keeps `cause` as its own serialized error (with its code) instead of
      // folding it into the parent's message and stack.
      serializers: { err: pino.stdSerializers.errWithCause, error: pino.stdSerializers.errWithCause },
      // The hook sees each finished line right before the destination does, for this logger
      // and every child; pino keeps its own flush/flushSync handling of the destination.
      hooks: { streamWrite: (line: string) => fanOut(redactor.scrubJsonLine(line), opts.extraDestinations) },
    },
    destination as pino.DestinationStream,
  );
}

/** A failing extra destination never breaks logging to the main one. */
function fanOut(line: string, extra: LoggerOptions['extraDestinations']): string {
  if (extra) {
    for (const destination of extra()) {
      try {
        destination.write(line);
      } catch {
        // The main destination still gets the line; the plugin owning the destination reports its own failures.
      }
    }
  }
  return line;
}

export function pluginLogger(root: Logger, plugin: string): Logger {
  return root.child({ plugin });
}

/** Resolves once lines buffered by the destination are written (at once for synchronous ones). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    logger.flush((error?: Error) => (error ? reject(error) : resolve()));
  });
}
