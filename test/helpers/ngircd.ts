/**
 * A real ngIRCd for tests: foreground (`-n`), generated config in a temp dir, 127.0.0.1 on a
 * free port, no DNS/ident/PAM lookups, penalties (ngIRCd's flood throttle) off so tests are
 * not slowed to a line a second. `kill()` is SIGKILL (the server "goes away");
 * `start()` again brings it back on the same port.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accepts, freePort } from './net.ts';

export const NGIRCD_BINARY = ['/usr/sbin/ngircd', '/usr/bin/ngircd', '/usr/local/sbin/ngircd'].find((path) => existsSync(path)) ?? 'ngircd';

export interface NgircdOptions {
  /** Server password (`PASS`), empty for none. */
  password?: string;
  /** ngIRCd `MaxPenaltyTime`: 0 disables its flood throttle (default), -1 is ngIRCd's own default. */
  maxPenaltyTime?: number;
  maxNickLength?: number;
  /** Also listen with TLS on `tlsPort` (a self-signed certificate for 127.0.0.1, made with the openssl CLI). */
  tls?: boolean;
}

export interface Ngircd {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The TLS port when started with `tls: true`. */
  readonly tlsPort?: number;
  readonly name: string;
  /** The server password clients must send, when set. */
  readonly password?: string;
  /** Everything the server printed (its log), for failure messages. */
  output(): string;
  /** (Re)starts on the same port and resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: the server disappears without a goodbye, like a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 2 s; removes the temp dir. */
  stop(): Promise<void>;
}

function configText(port: number, dir: string, options: NgircdOptions, tlsPort?: number): string {
  const tls = tlsPort === undefined ? [] : ['[SSL]', `CertFile = ${join(dir, 'cert.pem')}`, `KeyFile = ${join(dir, 'key.pem')}`, `Ports = ${tlsPort}`];
  return [
    '[Global]',
    'Name = irc.moltbot.test',
    'Info = moltbot test server',
    'AdminInfo1 = moltbot tests', 'AdminInfo2 = 127.0.0.1', 'AdminEMail = tests@moltbot.invalid',
    'Listen = 127.0.0.1',
    `Ports = ${port}`,
    `Password = ${options.password ?? ''}`,
    `PidFile = ${join(dir, 'run', 'ngircd.pid')}`,
    `HelpFile = ${join(dir, 'help.txt')}`,
    'MotdPhrase = moltbot test server',
    '[Limits]',
    `MaxNickLength = ${options.maxNickLength ?? 30}`,
    `MaxPenaltyTime = ${options.maxPenaltyTime ?? 0}`,
    'MaxConnectionsIP = 0',
    'MaxJoins = 0',
    'PingTimeout = 120',
    'PongTimeout = 20',
    'ConnectRetry = 60',
    '[Options]',
    `IncludeDir = ${join(dir, 'conf.d')}`,
    'DNS = no',
    'Ident = no',
    'PAM = no',
    'SyslogFacility = ',
    ...tls,
    '',
  ].join('\n');
}

/** Writes a config, starts ngIRCd and waits until it accepts; call `stop()` when done. */
export async function startNgircd(options: NgircdOptions = {}): Promise<Ngircd> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-ngircd-'));
  // Started as root, ngIRCd drops to "nobody": its PID file folder must be writable for it.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'run'), { mode: 0o777 });
  chmodSync(join(dir, 'run'), 0o777);
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'help.txt'), 'no help here\n');
  const tlsPort = options.tls ? await freePort() : undefined;
  if (options.tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '2',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    chmodSync(join(dir, 'key.pem'), 0o644); // read by ngIRCd after it dropped to "nobody"; a throwaway test key
  }
  const configFile = join(dir, 'ngircd.conf');
  writeFileSync(configFile, configText(port, dir, options, tlsPort), { mode: 0o644 });

  let child: ChildProcess | undefined;
  let log = '';

  const start = async (): Promise<void> => {
    if (child) throw new Error('ngircd is already running');
    const proc = spawn(NGIRCD_BINARY, ['-n', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.setEncoding('utf8').on('data', (text: string) => { log += text; });
    proc.stderr!.setEncoding('utf8').on('data', (text: string) => { log += text; });
    proc.once('exit', () => { if (child === proc) child = undefined; });
    const spawned = once(proc, 'spawn').then(() => undefined, (error: unknown) => { throw new Error(`cannot start ${NGIRCD_BINARY}: ${String(error)}`); });
    await spawned;
    for (let attempt = 0; attempt < 800; attempt++) {
      if (child !== proc) throw new Error(`ngircd exited during start-up:\n${log}`);
      if (await accepts(port) && (tlsPort === undefined || await accepts(tlsPort))) return;
      await sleep(25);
    }
    throw new Error(`ngircd did not accept connections on 127.0.0.1:${port} within 20 s:\n${log}`);
  };

  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    const proc = child;
    if (!proc) return;
    const exited = once(proc, 'exit');
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    child = undefined;
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    ...(tlsPort === undefined ? {} : { tlsPort }),
    name: 'irc.moltbot.test',
    ...(options.password ? { password: options.password } : {}),
    output: () => log,
    start,
    kill: () => signalAndWait('SIGKILL', 0),
    stop: async () => {
      await signalAndWait('SIGTERM', 2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
