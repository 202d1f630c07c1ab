import { describe, expect, it } from 'vitest';
import { connectClient, openClient, PASSWORD, startGateway } from './helpers.ts';
import { encodeFrame, rawWebSocket } from './raw.ts';

const connectFrame = (id = 'c1') => Buffer.from(JSON.stringify({
  type: 'req', id, method: 'connect', params: { minProtocol: 1, maxProtocol: 1, client: { id: 'raw', version: '1' }, auth: { password: PASSWORD } },
}));

describe('frame robustness', () => {
  it('IN-01: a frame over maxPayload after connect closes 1009; the gateway keeps serving', async () => {
    const { url } = await startGateway({ options: { maxPayload: 100_000, maxPreAuthPayload: 1024 } });
    const client = await connectClient(url);
    expect((await client.request('ping', { pad: 'x'.repeat(50_000) })).error?.code).toBe('INVALID_REQUEST');
    client.send({ type: 'req', id: 'big', method: 'ping', params: { pad: 'x'.repeat(200_000) } });
    expect((await client.closed).code).toBe(1009);
    expect((await (await connectClient(url)).request('ping')).ok).toBe(true);
  });

  it('IN-02: before connect, frames are capped at maxPreAuthPayload (64 KiB): 1 MiB closes 1009', async () => {
    const { url } = await startGateway();
    const client = openClient(url);
    await client.opened;
    client.send({ type: 'req', id: 'x', method: 'connect', params: { pad: 'x'.repeat(1024 * 1024) } });
    expect((await client.closed).code).toBe(1009);
  });

  it('IN-03 / IN-05 / IN-06: malformed JSON, unknown methods and deep nesting get error frames; the connection survives', async () => {
    const { url } = await startGateway();
    const client = await connectClient(url);
    client.send('{"type":"req",');
    client.send(`{"type":"req","id":"deep","method":"ping","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const unknown = await client.request('no.such-method');
    expect(client.frames.slice(1, 3).map((frame) => [frame.id, frame.error])).toEqual([
      [null, { code: 'INVALID_REQUEST', message: 'malformed JSON' }],
      [null, { code: 'INVALID_REQUEST', message: 'JSON nested deeper than 64 levels' }],
    ]);
    expect(unknown.error).toEqual({ code: 'METHOD_NOT_FOUND', message: 'unknown method "no.such-method"', details: { method: 'no.such-method' } });
    expect((await client.request('ping')).ok).toBe(true);
  });

  it('IN-04: params that fail the method schema name the JSON path', async () => {
    const { url } = await startGateway();
    const client = await connectClient(url);
    expect((await client.request('status', { verbose: true })).error).toEqual({ code: 'INVALID_REQUEST', message: '/params must not have property "verbose"' });
    expect((await client.request('health', [1])).error).toEqual({ code: 'INVALID_REQUEST', message: '/params must be object' });
  });

  it('IN-14: prototype keys anywhere in a frame are refused and pollute nothing', async () => {
    const { url } = await startGateway();
    const client = await connectClient(url);
    client.send('{"type":"req","id":"p","method":"ping","params":{"__proto__":{"isAdmin":true}}}');
    client.send('{"type":"req","id":"q","method":"ping","params":{"constructor":{"prototype":{"isAdmin":true}}}}');
    await client.request('ping');
    expect(client.frames.filter((frame) => frame.ok === false).map((frame) => frame.error?.message)).toEqual([
      'keys "__proto__", "constructor" and "prototype" are not allowed',
      'keys "__proto__", "constructor" and "prototype" are not allowed',
    ]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('an authenticated client that keeps sending invalid frames is closed 1008 after maxInvalidFrames', async () => {
    const { url } = await startGateway({ options: { maxInvalidFrames: 3 } });
    const client = await connectClient(url);
    for (let i = 0; i < 3; i++) client.send('nope');
    expect(await client.closed).toEqual({ code: 1008, reason: 'too many invalid frames' });
  });

  it('an invalid frame before connect ends the connection', async () => {
    const { url } = await startGateway();
    const client = openClient(url);
    await client.opened;
    client.send('{"type":"req",');
    expect(await client.closed).toEqual({ code: 1008, reason: 'invalid frame before connect' });
  });

  it('IN-07: invalid UTF-8 in a text frame closes 1007', async () => {
    const { port } = await startGateway();
    const raw = await rawWebSocket(port);
    raw.socket.write(encodeFrame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(await raw.closeCode).toBe(1007);
  });

  it('IN-08: an unmasked client frame or a reserved opcode closes 1002; a binary frame gets an error frame', async () => {
    const { port, url } = await startGateway();
    const unmasked = await rawWebSocket(port);
    unmasked.socket.write(encodeFrame(0x1, connectFrame(), { mask: false }));
    expect(await unmasked.closeCode).toBe(1002);
    const reserved = await rawWebSocket(port);
    reserved.socket.write(encodeFrame(0x3, Buffer.from('x')));
    expect(await reserved.closeCode).toBe(1002);
    const client = await connectClient(url);
    client.ws.send(Buffer.from('{"type":"req"}'), { binary: true });
    expect((await client.request('ping')).ok).toBe(true);
    expect(client.frames[1]?.error).toEqual({ code: 'INVALID_REQUEST', message: 'binary frames are not supported; send JSON text frames' });
  });

  it('IN-09: more than maxFragments fragments of one message close 1008', async () => {
    const { port } = await startGateway();
    const raw = await rawWebSocket(port);
    const parts = [encodeFrame(0x1, Buffer.from('['), { fin: false })];
    for (let i = 0; i < 1100; i++) parts.push(encodeFrame(0x0, Buffer.from(' '), { fin: false }));
    raw.socket.write(Buffer.concat(parts));
    expect(await raw.closeCode).toBe(1008);
  });

  it('IN-17: hostile ids (NUL, lone surrogate, 1 MB) are rejected by the envelope check', async () => {
    const { url } = await startGateway();
    const client = await connectClient(url);
    client.send('{"type":"req","id":"a\\u0000b","method":"ping"}');
    client.send('{"type":"req","id":"\\ud800","method":"ping"}');
    client.send(JSON.stringify({ type: 'req', id: 'x'.repeat(1_000_000), method: 'ping' }));
    await client.request('ping');
    expect(client.frames.filter((frame) => frame.ok === false).map((frame) => [frame.id, frame.error?.code])).toEqual([
      [null, 'INVALID_REQUEST'], [null, 'INVALID_REQUEST'], [null, 'INVALID_REQUEST'],
    ]);
  });
});
