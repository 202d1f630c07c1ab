import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { logFileServiceRef } from '../../../plugins/log-file/index.ts';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import type { CliContext } from '../../../core/hook-types.ts';
import logFile from '../../../plugins/log-file/index.ts';
import { createHttpSink } from '../../../plugins/log-file/http-sink.ts';
import { registerLogsCommand } from '../../../plugins/log-file/logs-command.ts';
import { openRotatingFile } from '../../../plugins/log-file/rotating-file.ts';
import { parseSize } from '../../../plugins/log-file/size.ts';
import { toText } from '../../../plugins/log-file/text-format.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const DAY = 86_400_000;
const line = (msg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ level: 30, time: Date.parse('2026-11-23T10:00:00.000Z'), pid: 1, hostname: 'h', plugin: 'gateway', msg, ...extra });

describe('parseSize', () => {
  it('reads decimal and binary units', () => {
    expect([parseSize('100MB'), parseSize('1KiB'), parseSize('1.5 KB'), parseSize('10B')]).toEqual([100_000_000, 1024, 1500, 10]);
    expect(() => parseSize('lots')).toThrowErrorMatchingInlineSnapshot(`[TypeError: not a size: "lots" (use e.g. "100MB")]`);
  });
});

describe('rotating log file (LG-07)', () => {
  it('is 0600 in a 0700 folder under umask 000, and narrows an existing loose file', () => {
    const { dir } = useTempDir('moltbot-logs-');
    const previous = process.umask(0);
    try {
      writeFileSync(join(dir, 'logs-pre'), '');
      const file = openRotatingFile({ dir: join(dir, 'logs'), maxBytes: 1000, retentionDays: 14 });
      file.write(line('hello'));
      file.close();
      expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
      writeFileSync(file.path, 'x', { mode: 0o644 });
      const again = openRotatingFile({ dir: join(dir, 'logs'), maxBytes: 1000, retentionDays: 14 });
      again.close();
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('rotates past maxBytes without splitting a line, rotated files 0600 too', () => {
    const { dir } = useTempDir('moltbot-logs-');
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    const file = openRotatingFile({ dir, maxBytes: 250, retentionDays: 14, now: () => now });
    for (let i = 0; i < 6; i++) {
      file.write(line(`message ${i}`));
      now += 1000;
    }
    const rotated = file.rotated();
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    for (const name of [...rotated, 'moltbot.log']) {
      const content = readFileSync(join(dir, name), 'utf8');
      expect(content.length).toBeLessThanOrEqual(250);
      for (const l of content.trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }
    file.close();
  });

  it('deletes rotated files older than retention.days (fake clock), never the current file', () => {
    const { dir } = useTempDir('moltbot-logs-');
    const now = Date.parse('2026-11-23T10:00:00.000Z');
    writeFileSync(join(dir, 'moltbot-20261101T000000000Z.log'), 'old');
    writeFileSync(join(dir, 'moltbot-20261120T000000000Z.log'), 'recent');
    writeFileSync(join(dir, 'other.log'), 'not ours');
    utimesSync(join(dir, 'moltbot-20261101T000000000Z.log'), (now - 20 * DAY) / 1000, (now - 20 * DAY) / 1000);
    utimesSync(join(dir, 'moltbot-20261120T000000000Z.log'), (now - 3 * DAY) / 1000, (now - 3 * DAY) / 1000);
    utimesSync(join(dir, 'other.log'), (now - 90 * DAY) / 1000, (now - 90 * DAY) / 1000);
    const file = openRotatingFile({ dir, maxBytes: 1000, retentionDays: 14, now: () => now });
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['moltbot-20261120T000000000Z.log', 'moltbot.log', 'other.log']);
  });
});

describe('text format', () => {
  it('turns a pino line into one readable line', () => {
    expect(toText(line('listening', { port: 18789, url: 'ws://127.0.0.1:18789' }))).toBe('2026-11-23T10:00:00.000Z INFO  [gateway] listening port=18789 url=ws://127.0.0.1:18789');
    expect(toText('not json\n')).toBe('not json');
  });
});

describe('http transport', () => {
  it('batches lines, retries 5xx and network errors with backoff, drops a batch after maxRetries', async () => {
    const bodies: string[] = [];
    const statuses = [500, 200, 0, 200, 503, 503, 503];
    const sleeps: number[] = [];
    const fakeFetch = (async (_url: string, init: { body: string }) => {
      const status = statuses.shift() ?? 200;
      if (status === 0) throw new TypeError('fetch failed');
      bodies.push(init.body);
      return { ok: status === 200, status } as Response;
    }) as unknown as typeof fetch;
    const sink = createHttpSink({ url: 'http://collector/logs', batchSize: 2, maxRetries: 2, backoffMs: 10, fetch: fakeFetch, sleep: async (ms) => void sleeps.push(ms), flushIntervalMs: 60_000 });
    for (const n of [1, 2, 3, 4, 5, 6]) sink.write(line(`m${n}`));
    await sink.close();
    expect(sink.stats()).toEqual({ sent: 4, dropped: 2, failedBatches: 1, queued: 0 });
    expect(sleeps).toEqual([10, 10, 10, 20]);
    expect(bodies[1]!.split('\n').filter(Boolean).map((l) => JSON.parse(l).msg)).toEqual(['m1', 'm2']);
  });

  it('gives up at once on a 4xx other than 429, and bounds its queue', async () => {
    let calls = 0;
    const fakeFetch = (async () => { calls++; return { ok: false, status: 401 } as Response; }) as unknown as typeof fetch;
    const sink = createHttpSink({ url: 'http://collector/logs', batchSize: 1000, maxQueue: 3, fetch: fakeFetch, sleep: async () => undefined, flushIntervalMs: 60_000 });
    for (let n = 0; n < 5; n++) sink.write(line(`m${n}`));
    expect(sink.stats()).toMatchObject({ dropped: 2, queued: 3 });
    await sink.close();
    expect(calls).toBe(1);
    expect(sink.stats()).toMatchObject({ dropped: 5, failedBatches: 1 });
  });
});

describe('log-file plugin and `moltbot logs`', () => {
  it('writes service lines to <stateDir>/logs/moltbot.log and `logs` prints them as text or JSON', async () => {
    const kernel = await createTestKernel({ config: { logging: { transports: ['file'], retention: { days: 7, maxSize: '1MB' } } }, plugins: [logFile] });
    const service = kernel.use(logFileServiceRef);
    service.write(`${line('first')}\n`);
    service.write(`${line('second')}\n`);
    expect(service.dir).toBe(join(kernel.tempDir, 'state', 'logs'));
    const printed: string[] = [];
    const cli = { print: (t: string) => printed.push(t), warn: (t: string) => printed.push(`warn: ${t}`), setExitCode: () => undefined } as unknown as CliContext;
    const program = new Command().exitOverride();
    registerLogsCommand(program, cli, { file: join(service.dir, 'moltbot.log'), signal: new AbortController().signal });
    await program.parseAsync(['node', 'moltbot', 'logs', '-n', '1']);
    await program.parseAsync(['node', 'moltbot', 'logs', '--json']);
    // The kernel's own lines (e.g. "kernel ready") reach the file too; these two were written directly.
    expect(printed[0]).toBe('2026-11-23T10:00:00.000Z INFO  [gateway] second');
    expect(printed.slice(1).filter((text) => text.includes('"plugin":"gateway"'))).toEqual([line('first'), line('second')]);
  });

  it('--follow prints lines appended later, across a rotation', async () => {
    const { dir } = useTempDir('moltbot-logs-');
    const file = join(dir, 'moltbot.log');
    writeFileSync(file, `${line('old')}\n`);
    const printed: string[] = [];
    const cli = { print: (t: string) => printed.push(t), warn: () => undefined } as unknown as CliContext;
    let stop!: () => void;
    const program = new Command().exitOverride();
    registerLogsCommand(program, cli, { file, signal: new AbortController().signal, pollMs: 10, stop: new Promise<void>((r) => { stop = r; }) });
    const running = program.parseAsync(['node', 'moltbot', 'logs', '--follow', '--json']);
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(file, `${line('new')}\n`);
    await new Promise((r) => setTimeout(r, 40));
    writeFileSync(`${file}.next`, `${line('after rotation')}\n`);
    (await import('node:fs')).renameSync(`${file}.next`, file);
    await new Promise((r) => setTimeout(r, 40));
    stop();
    await running;
    expect(printed.map((l) => JSON.parse(l).msg)).toEqual(['old', 'new', 'after rotation']);
  });
});

describe('syslog transport', () => {
  it('formats RFC 5424 with the severity of the pino level', async () => {
    const { formatSyslog } = await import('../../../plugins/log-file/syslog-sink.ts');
    const now = new Date('2026-11-23T10:00:00.000Z');
    expect(formatSyslog(line('boom', { level: 50 }), { facility: 16, appName: 'moltbot', host: 'box', pid: 42, now }))
      .toBe(`<131>1 2026-11-23T10:00:00.000Z box moltbot 42 - - ${line('boom', { level: 50 })}`);
    expect(formatSyslog('plain', { facility: 1, appName: 'moltbot', host: 'box', pid: 1, now }).startsWith('<15>1 ')).toBe(true);
  });

  it('sends one datagram per line to a local UDP receiver through the plugin', async () => {
    const dgram = await import('node:dgram');
    const server = dgram.createSocket('udp4');
    const received: string[] = [];
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
    server.on('message', (message) => received.push(message.toString()));
    const port = server.address().port;
    const kernel = await createTestKernel({ config: { logging: { transports: [{ type: 'syslog', config: { port, facility: 16 } }] } }, plugins: [logFile] });
    kernel.use(logFileServiceRef).write(line('over syslog', { level: 40 }));
    const mine = () => received.filter((text) => text.includes('"msg":"over syslog"'));
    for (let i = 0; i < 50 && mine().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    server.close();
    // Kernel lines are sent too (one datagram each); this line went out exactly once.
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatch(/^<132>1 \S+ \S+ moltbot \d+ - - \{.*"msg":"over syslog"/);
  });
});

describe('kernel wiring', () => {
  it('every kernel log line reaches the file, redacted, 0600', async () => {
    const canary = 'sk-ant-canary-3f9d2c7e1b5a4d6f8e0c';
    const kernel = await createTestKernel({
      config: { logging: { transports: ['file'] }, providers: { anthropic: { apiKey: canary } } },
      plugins: [logFile],
    });
    kernel.log.info({ note: 'from the kernel' }, 'a line for the file');
    kernel.log.warn(`the key is ${canary}`);
    const file = join(kernel.paths.stateDir, 'logs', 'moltbot.log');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { msg: string; note?: string });
    expect(lines.find((line) => line.msg === 'a line for the file')).toMatchObject({ note: 'from the kernel' });
    expect(lines.some((line) => line.msg === 'the key is [REDACTED]')).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(canary);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
