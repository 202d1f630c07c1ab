/** The raw-body cap holds without Content-Length too: a chunked upload is cut off once over the limit. */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startWebhook } from '../../plugins/channel-webhook/harness.ts';

function chunkedPost(url: string, chunks: number, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    let sent = 0;
    const next = () => {
      if (sent === chunks) return req.end();
      sent++;
      req.write('x'.repeat(size), next);
    };
    next();
  });
}

describe('signed routes: body cap', () => {
  it('answers 413 to a chunked body over maxBodyBytes, and nothing is processed', async () => {
    const h = await startWebhook({ maxBodyBytes: 2048 });
    expect(await chunkedPost(h.inboundUrl, 8, 512)).toBe(413);
    expect(await chunkedPost(h.inboundUrl, 2, 512)).toBe(401);
    expect(h.status().inbound).toEqual({ accepted: 0, dropped: 0, pairing: 0 });
  });
});
