/**
 * `log-file`: the deployment guide's LogConfig. The `file` transport (size rotation, deletion
 * after `retention.days`, 0600 files in a 0700 folder), `console`, `http` (batched, retried)
 * and `syslog` (RFC 5424 over UDP); `moltbot logs [--follow] [--json]` reads the file.
 *
 * Lines reach this plugin through `ctx.addLogDestination`: the kernel hands it every
 * serialized, already-redacted line.
 */
import { join } from 'node:path';
import { definePlugin, createServiceRef } from '../../sdk/core/index.ts';
import { createHttpSink, type HttpSink } from './http-sink.ts';
import { registerLogsCommand } from './logs-command.ts';
import { createSyslogSink, type SyslogOptions } from './syslog-sink.ts';
import { openRotatingFile, type RotatingFile } from './rotating-file.ts';
import { parseSize } from './size.ts';
import { toText } from './text-format.ts';

/** The rotating JSON log files under <stateDir>/logs. */
export const logFileServiceRef = createServiceRef<LogFileService>({ id: 'log-file', description: 'The rotating JSON log files under <stateDir>/logs' });

export { openRotatingFile } from './rotating-file.ts';
export { createHttpSink } from './http-sink.ts';
export { createSyslogSink, formatSyslog } from './syslog-sink.ts';
export { parseSize } from './size.ts';
export { toText } from './text-format.ts';

export interface LogFileService {
  /** Folder of the log files (`<stateDir>/logs`). */
  readonly dir: string;
  /** Hands one serialized pino line (JSON, already redacted) to every configured transport. */
  write(line: string): void;
  flush(): Promise<void>;
}

type TransportEntry = string | { type: string; config?: Record<string, unknown> };

interface LoggingConfig {
  format?: 'json' | 'text';
  transports?: TransportEntry[];
  retention?: { days?: number; maxSize?: string };
}

interface Sink {
  write(line: string): void;
  flush?(): Promise<void>;
  close(): void | Promise<void>;
}

export default definePlugin({
  name: 'log-file',
  version: '1.0.0',
  provides: [logFileServiceRef],
  kernel: '^1.0.0',
  description: 'Log transports: rotating 0600 file, console, http (batched, retried), syslog; `moltbot logs`',
  sections: ['logging'],
  setup(ctx) {
    const logging = (ctx.config.logging ?? {}) as LoggingConfig;
    const dir = join(ctx.paths.stateDir, 'logs');
    const text = logging.format === 'text';
    const entries = (logging.transports ?? ['file']).map((entry) => (typeof entry === 'string' ? { type: entry } : entry));
    const sinks: Sink[] = [];
    let file: RotatingFile | undefined;
    const openSinks = () => {
      for (const entry of entries) {
        if (entry.type === 'file') {
          file = openRotatingFile({ dir, maxBytes: parseSize(logging.retention?.maxSize ?? '100MB'), retentionDays: logging.retention?.days ?? 14 });
          // The file always holds JSON: `moltbot logs` formats it on the way out.
          const write = fileWriter(file);
          sinks.push({ write, close: () => file!.close() });
        } else if (entry.type === 'console') {
          sinks.push({ write: (line) => void process.stdout.write(`${text ? toText(line) : line.replace(/\n$/, '')}\n`), close: () => undefined });
        } else if (entry.type === 'http') {
          const http: HttpSink = createHttpSink(httpOptions(entry.config ?? {}));
          sinks.push({ write: (line) => http.write(line), flush: () => http.flush(), close: () => http.close() });
        } else if (entry.type === 'syslog') {
          const syslog = createSyslogSink(syslogOptions(entry.config ?? {}));
          sinks.push({ write: (line) => syslog.write(line), close: () => syslog.close() });
        } else {
          ctx.log.warn({ transport: entry.type }, 'log transport not supported by log-file; lines are not sent there');
        }
      }
    };
    let opened = false;
    const ensureOpen = () => {
      if (!opened) {
        opened = true;
        openSinks();
      }
    };
    const service: LogFileService = {
      dir,
      write(line) {
        ensureOpen();
        for (const sink of sinks) sink.write(line);
      },
      async flush() {
        for (const sink of sinks) await sink.flush?.();
      },
    };
    ctx.provide(logFileServiceRef, service);
    // Every kernel log line (already redacted) reaches the transports from here on.
    const detach = ctx.addLogDestination(service);
    ctx.onClose(async () => {
      detach();
      for (const sink of sinks) await sink.close();
    });
    ctx.hooks.cliCommands.tap('log-file', (program, cli) => registerLogsCommand(program, cli, { file: join(dir, 'moltbot.log'), signal: ctx.signal }));
  },
});

/**
 * Writes to the log file, reporting a full disk instead of hiding it: the first line lost goes
 * to stderr once (logging cannot log its own failure), and once lines land again the file gets
 * a warning line saying how many were dropped and why. A line that failed was cut back off the
 * file (rotating-file), so the file holds only whole lines.
 */
function fileWriter(file: RotatingFile): (line: string) => void {
  let dropped = 0;
  let reason = '';
  return (line) => {
    try {
      if (dropped > 0) {
        file.write(JSON.stringify({ level: 40, time: Date.now(), plugin: 'log-file', dropped, msg: `${dropped} log line(s) were dropped: ${reason}` }));
        dropped = 0;
      }
      file.write(line);
    } catch (error) {
      if (dropped === 0) process.stderr.write(`moltbot log-file: log lines are being dropped: ${error instanceof Error ? error.message : String(error)}\n`);
      dropped++;
      reason = error instanceof Error ? error.message : String(error);
    }
  };
}

function httpOptions(config: Record<string, unknown>) {
  const url = config.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new TypeError('logging.transports[http].config.url must be an http(s) URL');
  const number = (key: string) => (typeof config[key] === 'number' ? { [key]: config[key] as number } : {});
  const headers = typeof config.headers === 'object' && config.headers !== null ? { headers: config.headers as Record<string, string> } : {};
  return { url, ...headers, ...number('batchSize'), ...number('flushIntervalMs'), ...number('maxRetries'), ...number('backoffMs'), ...number('maxQueue') };
}

function syslogOptions(config: Record<string, unknown>): SyslogOptions {
  const options: SyslogOptions = {};
  if (typeof config.host === 'string') options.host = config.host;
  if (typeof config.port === 'number') options.port = config.port;
  if (typeof config.facility === 'number') options.facility = config.facility;
  if (typeof config.appName === 'string') options.appName = config.appName;
  return options;
}
