/**
 * Raw sockets for what a well-behaved client library will not send: hand-built WebSocket
 * frames (bad UTF-8, unmasked, reserved opcodes, tiny fragments) and hand-written HTTP.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export function encodeFrame(opcode: number, payload: Buffer, options: { fin?: boolean; mask?: boolean } = {}): Buffer {
  const { fin = true, mask = true } = options;
  const length = payload.length;
  const first = (fin ? 0x80 : 0) | opcode;
  const maskBit = mask ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, maskBit | length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)));
  return Buffer.concat([header, key, masked]);
}

export interface RawSocket {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves with the HTTP status line's code once the response head arrived. */
  status: Promise<number>;
  /** Close code of the server's close frame, or 1006 when the socket ended without one. */
  closeCode: Promise<number>;
  ended: Promise<void>;
  /** Text payloads of the server's text frames, in order. */
  texts: string[];
}

export function rawRequest(port: number, head: string): RawSocket {
  const socket = connect({ host: '127.0.0.1', port });
  onTestFinished(() => { socket.destroy(); });
  let buffer = Buffer.alloc(0);
  let bodyStart = -1;
  let resolveStatus: (code: number) => void = () => undefined;
  let resolveClose: (code: number) => void = () => undefined;
  const texts: string[] = [];
  const status = new Promise<number>((resolve) => { resolveStatus = resolve; });
  const closeCode = new Promise<number>((resolve) => { resolveClose = resolve; });
  const ended = new Promise<void>((resolve) => socket.on('close', () => { resolveClose(1006); resolveStatus(0); resolve(); }));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (bodyStart === -1) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      bodyStart = end + 4;
      resolveStatus(Number(/^HTTP\/1\.1 (\d{3})/.exec(buffer.subarray(0, end).toString())?.[1] ?? 0));
    }
    parseFrames(buffer.subarray(bodyStart), texts, resolveClose);
  });
  socket.write(head);
  return { socket, received: () => buffer, status, closeCode, ended, texts };
}

function parseFrames(data: Buffer, texts: string[], onClose: (code: number) => void): void {
  texts.length = 0;
  let offset = 0;
  while (offset + 2 <= data.length) {
    const opcode = (data[offset] as number) & 0x0f;
    let length = (data[offset + 1] as number) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      if (start + 2 > data.length) return;
      length = data.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > data.length) return;
      length = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > data.length) return;
    const payload = data.subarray(start, start + length);
    if (opcode === 1) texts.push(payload.toString());
    if (opcode === 8) onClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
    offset = start + length;
  }
}

export function upgradeHead(extraHeaders: string[] = []): string {
  return [
    'GET / HTTP/1.1',
    'Host: 127.0.0.1',
    ...extraHeaders,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    '',
    '',
  ].join('\r\n');
}

/** A raw WebSocket after a successful upgrade (the 101 has arrived). */
export async function rawWebSocket(port: number): Promise<RawSocket> {
  const raw = rawRequest(port, upgradeHead());
  const code = await raw.status;
  if (code !== 101) throw new Error(`upgrade answered ${code}`);
  return raw;
}
