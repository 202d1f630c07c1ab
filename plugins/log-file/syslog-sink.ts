/**
 * The syslog transport: one RFC 5424 datagram per line over UDP (`host`:`port`, default
 * 127.0.0.1:514), severity from the pino level, the JSON line as the message. UDP never blocks
 * logging: a lost datagram is counted, not retried.
 */
import { createSocket } from 'node:dgram';
import { hostname } from 'node:os';

export interface SyslogOptions {
  host?: string;
  port?: number;
  /** Syslog facility number (default 1, user; 16–23 are local0–local7). */
  facility?: number;
  appName?: string;
}

export interface SyslogSink {
  write(line: string): void;
  close(): Promise<void>;
  stats(): { sent: number; failed: number };
}

/** pino level → syslog severity (debug 7, info 6, warning 4, err 3, crit 2). */
export function severityOf(level: unknown): number {
  if (typeof level !== 'number' || level < 30) return 7;
  if (level < 40) return 6;
  if (level < 50) return 4;
  if (level < 60) return 3;
  return 2;
}

export function formatSyslog(line: string, options: { facility: number; appName: string; host: string; pid: number; now: Date }): string {
  let level: unknown;
  try {
    level = (JSON.parse(line) as { level?: unknown }).level;
  } catch {
    level = undefined;
  }
  const pri = options.facility * 8 + severityOf(level);
  return `<${pri}>1 ${options.now.toISOString()} ${options.host} ${options.appName} ${options.pid} - - ${line.replace(/\n$/, '')}`;
}

export function createSyslogSink(options: SyslogOptions = {}): SyslogSink {
  const socket = createSocket('udp4');
  socket.unref();
  socket.on('error', () => { counters.failed++; });
  const counters = { sent: 0, failed: 0 };
  const facility = options.facility ?? 1;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new TypeError('syslog facility must be 0-23');
  const host = hostname();
  let pending = 0;
  let drained: (() => void) | undefined;
  return {
    write(line) {
      const message = formatSyslog(line, { facility, appName: options.appName ?? 'moltbot', host, pid: process.pid, now: new Date() });
      pending++;
      socket.send(message, options.port ?? 514, options.host ?? '127.0.0.1', (error) => {
        if (error) counters.failed++;
        else counters.sent++;
        if (--pending === 0) drained?.();
      });
    },
    async close() {
      if (pending > 0) await new Promise<void>((resolve) => { drained = resolve; });
      socket.close();
    },
    stats: () => ({ ...counters }),
  };
}
