/**
 * A Redis server of the test's own (not the shared one on 6379), on a free loopback port, to
 * simulate outages: `kill()` takes it down (SIGKILL), `start()` brings it back on the same port.
 * No persistence; stopped when the test finishes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { onTestFinished } from 'vitest';
import { freePort } from './net.ts';

export interface RedisServer {
  port: number;
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.write('PING\r\n');
      socket.once('data', (data) => { socket.destroy(); resolve(data.toString().startsWith('+PONG')); });
    });
    socket.once('error', () => resolve(false));
  });
}

export async function redisServer(options: { running?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child !== undefined) return;
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
      child = started;
      const deadline = Date.now() + 10_000;
      while (!(await answers(port))) {
        if (started.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async kill() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  onTestFinished(() => server.kill());
  if (options.running !== false) await server.start();
  return server;
}
