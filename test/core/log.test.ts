import { describe, it, expect } from 'vitest';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogger, flushLogger, pluginLogger, type LoggerOptions } from '../../core/log.ts';
import { REDACTED } from '../../core/redact.ts';

/** A destination that keeps every line written to it. */
function memory(): { write(chunk: string): void; lines: string[]; text(): string; records(): Array<Record<string, any>> } {
  const lines: string[] = [];
  return {
    lines,
    write: (chunk: string) => void lines.push(chunk),
    text: () => lines.join(''),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, any>),
  };
}

function ours(options: Omit<LoggerOptions, 'destination'> = {}) {
  const dest = memory();
  return { log: createLogger({ ...options, destination: dest }), dest };
}

/** Plain pino with path redaction only: what LG-02 shows is not enough. */
function plainPino(paths: string[]) {
  const dest = memory();
  return { log: pino({ redact: { paths, censor: REDACTED } }, dest), dest };
}

describe('LG-01 configured secret paths', () => {
  it('masks the configured paths and the built-in ones', () => {
    // `gateway.auth.shared` has no secret-looking name: only the configured path can mask it.
    const { log, dest } = ours({ secretPaths: ['gateway.auth.password', 'gateway.auth.shared', 'providers.*.apiKey', 'config.providers[*].apiKey'] });
    log.info({
      gateway: { auth: { password: 'CANARY-lg01-gw', shared: 'CANARY-lg01-shared', mode: 'password' } },
      providers: { openai: { apiKey: 'CANARY-lg01-prov', model: 'gpt' } },
      config: { providers: [{ apiKey: 'CANARY-lg01-list' }] },
      req: { headers: { authorization: 'CANARY-lg01-auth', cookie: 'CANARY-lg01-cookie', host: 'h' } },
    }, 'config loaded');
    const [record] = dest.records();
    expect(record).toMatchObject({
      gateway: { auth: { password: REDACTED, shared: REDACTED, mode: 'password' } },
      providers: { openai: { apiKey: REDACTED, model: 'gpt' } },
      config: { providers: [{ apiKey: REDACTED }] },
      req: { headers: { authorization: REDACTED, cookie: REDACTED, host: 'h' } },
      msg: 'config loaded',
    });
    expect(dest.text()).not.toContain('CANARY-lg01');
  });
});

describe('LG-02 what pino redact misses, and the pattern pass catches', () => {
  const paths = ['*.apiKey'];
  // The last field says whether our logger is told the canary value: the deep case is caught by
  // its key alone, the other two because the value is a known secret.
  const cases: Array<[string, string, (log: pino.Logger) => void, boolean]> = [
    ['a secret two levels deeper than a `*.` wildcard', 'CANARY-lg02-deep-41d7', (log) => {
      log.info({ providers: { openai: { extra: { apiKey: 'CANARY-lg02-deep-41d7' } } } }, 'providers');
    }, false],
    ['a secret inside the msg string', 'CANARY-lg02-msg-8a02', (log) => {
      log.info('retrying with key CANARY-lg02-msg-8a02');
    }, true],
    ['a secret inside err.message and err.stack', 'CANARY-lg02-err-c3e9', (log) => {
      log.error({ err: new Error('provider rejected key CANARY-lg02-err-c3e9') }, 'request failed');
    }, true],
  ];

  it.each(cases)('plain pino({ redact }) leaks %s', (_name, canary, emit) => {
    const { log, dest } = plainPino(paths);
    emit(log);
    expect(dest.text()).toContain(canary);
  });

  it.each(cases)('our logger masks %s', (_name, canary, emit, known) => {
    const { log, dest } = ours({ secretPaths: paths, secretValues: () => (known ? [canary] : []) });
    emit(log);
    expect(dest.lines).toHaveLength(1);
    expect(dest.text()).not.toContain(canary);
    expect(dest.text()).toContain(REDACTED);
  });

  it('masks err.message and err.stack by key shape even with no known value', () => {
    const key = 'sk-ant-api03-CANARYlg02shape0123456789';
    const { log, dest } = ours();
    log.error({ err: new Error(`invalid x-api-key ${key}`) });
    const [record] = dest.records();
    expect(record?.err.message).toBe(`invalid x-api-key ${REDACTED}`);
    expect(record?.err.stack).toContain(`invalid x-api-key ${REDACTED}`);
    expect(dest.text()).not.toContain('CANARYlg02shape');
  });
});

describe('LG-03 errors from HTTP clients', () => {
  it('masks request headers carried by the error, even with a circular request', () => {
    const error = Object.assign(new Error('Request failed with status code 401'), {
      code: 'ERR_BAD_REQUEST',
      config: { url: 'https://api.example.test/v1/messages', headers: { Authorization: 'Bearer CANARY-lg03-bearer', 'X-Api-Key': 'CANARY-lg03-xkey' } },
      response: { status: 401, data: { error: 'invalid api key' } },
      request: {} as Record<string, unknown>,
    });
    error.request.self = error.request;
    error.request.error = error;
    const { log, dest } = ours();
    log.error({ err: error }, 'provider call failed');
    const [record] = dest.records();
    expect(record?.err).toMatchObject({
      type: 'Error',
      code: 'ERR_BAD_REQUEST',
      message: 'Request failed with status code 401',
      config: { headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED } },
      response: { status: 401 },
    });
    expect(dest.text()).not.toContain('CANARY-lg03');
  });

  it('serializes the cause chain as errors with their own codes', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED, password=CANARY-lg03-cause'), { code: 'ECONNREFUSED' });
    const { log, dest } = ours();
    log.error(new Error('cache unavailable', { cause }));
    const [record] = dest.records();
    expect(record?.msg).toBe('cache unavailable');
    expect(record?.err.cause).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', message: `connect ECONNREFUSED, password=${REDACTED}` });
    expect(dest.text()).not.toContain('CANARY-lg03-cause');
  });
});

describe('createLogger', () => {
  it('masks a rotated secret without recreating the logger', () => {
    let current = 'CANARY-rotate-old-19fe';
    const { log, dest } = ours({ secretValues: () => [current] });
    log.info(`token is ${current}`);
    current = 'CANARY-rotate-new-77b0';
    log.info(`token is ${current}`);
    expect(dest.records().map((r) => r.msg)).toEqual([`token is ${REDACTED}`, `token is ${REDACTED}`]);
    expect(dest.text()).not.toContain('CANARY-rotate');
  });

  it('masks URL userinfo passwords', () => {
    const { log, dest } = ours();
    log.warn({ url: 'redis://cache:CANARY-url-5d2c@redis.local:6379/0' }, 'connecting to rediss://u:CANARY-url-5d2c@h');
    const [record] = dest.records();
    expect(record).toMatchObject({ url: `redis://cache:${REDACTED}@redis.local:6379/0`, msg: `connecting to rediss://u:${REDACTED}@h` });
    expect(dest.text()).not.toContain('CANARY-url');
  });

  it('filters by level, default info', () => {
    const { log, dest } = ours();
    log.debug('hidden');
    log.info('shown');
    const warnOnly = ours({ level: 'warn' });
    warnOnly.log.info('hidden');
    warnOnly.log.error('shown');
    const silent = ours({ level: 'silent' });
    silent.log.fatal('hidden');
    expect(dest.records().map((r) => r.msg)).toEqual(['shown']);
    expect(warnOnly.dest.records().map((r) => [r.level, r.msg])).toEqual([[50, 'shown']]);
    expect(silent.dest.lines).toEqual([]);
  });

  it('writes one JSON line per call with the given base', () => {
    const { log, dest } = ours({ base: { service: 'moltbot' } });
    log.info({ n: 1 }, 'a');
    log.info('b');
    expect(dest.lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(dest.records().map(({ time, ...rest }) => rest)).toEqual([
      { level: 30, service: 'moltbot', n: 1, msg: 'a' },
      { level: 30, service: 'moltbot', msg: 'b' },
    ]);
  });

  it('never throws on circular objects, and masks secrets inside them', () => {
    const node: Record<string, unknown> = { name: 'n' };
    node.self = node;
    node.child = { parent: node, token: 'CANARY-circ-0aa1' };
    const { log, dest } = ours();
    expect(() => log.info({ node }, 'graph %o', node)).not.toThrow();
    expect(dest.lines).toHaveLength(1);
    expect(dest.text()).not.toContain('CANARY-circ');
  });

  it('writes to a file descriptor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moltbot-log-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const log = createLogger({ destination: fd, secretValues: () => ['CANARY-fd-3e3e'] });
      log.info('key CANARY-fd-3e3e');
      await flushLogger(log);
      const [line] = readFileSync(file, 'utf8').split('\n');
      expect(JSON.parse(line!)).toMatchObject({ level: 30, msg: `key ${REDACTED}` });
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pluginLogger', () => {
  it('tags every line with the plugin name and keeps the redaction', () => {
    const { log, dest } = ours({ secretValues: () => ['CANARY-plugin-6b6b'] });
    const child = pluginLogger(log, 'cache-redis');
    child.info({ apiKey: 'x', deep: { a: { b: { password: 'CANARY-plugin-pw' } } } }, 'using CANARY-plugin-6b6b');
    const [record] = dest.records();
    expect(record).toMatchObject({ plugin: 'cache-redis', apiKey: REDACTED, deep: { a: { b: { password: REDACTED } } }, msg: `using ${REDACTED}` });
    expect(dest.text()).not.toContain('CANARY-plugin');
  });
});

describe('flushLogger', () => {
  /** A destination that buffers lines and writes them out later, like an async SonicBoom. */
  function buffered(failWith?: Error) {
    const written: string[] = [];
    let pending: string[] = [];
    return {
      written,
      write: (chunk: string) => void pending.push(chunk),
      flush(cb: (error?: Error) => void) {
        setTimeout(() => {
          if (failWith) return cb(failWith);
          written.push(...pending);
          pending = [];
          cb();
        }, 5);
      },
    };
  }

  it('resolves once the destination has written its buffered lines', async () => {
    const dest = buffered();
    const log = createLogger({ destination: dest });
    log.info('one');
    log.info('two');
    expect(dest.written).toEqual([]);
    await flushLogger(log);
    expect(dest.written.map((line) => JSON.parse(line).msg)).toEqual(['one', 'two']);
  });

  it('rejects when the destination cannot flush', async () => {
    const log = createLogger({ destination: buffered(new Error('disk full')) });
    log.info('lost');
    await expect(flushLogger(log)).rejects.toThrowErrorMatchingInlineSnapshot(`[Error: disk full]`);
  });

  it('resolves at once for a destination that does not buffer', async () => {
    const { log, dest } = ours();
    log.info('x');
    await flushLogger(pluginLogger(log, 'p'));
    expect(dest.lines).toHaveLength(1);
  });
});
