/**
 * Hybrid memory search against a real OpenAI-compatible `/v1/embeddings` server on 127.0.0.1
 * (started by the test): a concept vector model where "puppy", "dog" and "canine" share a
 * dimension, so a query with no word in common still finds the note. Vectors persist with the
 * index (a restart embeds nothing again); a dead endpoint falls back to full-text search.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { memoryServiceRef } from '../../../plugins/memory/index.ts';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import type { MemoryService } from '../../../plugins/memory/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CONCEPTS: Record<string, number> = { dog: 0, puppy: 0, canine: 0, rex: 0, car: 1, vehicle: 1, automobile: 1, blue: 2 };

function embed(text: string): number[] {
  const vector = new Array(8).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const dim = CONCEPTS[word] ?? 3 + ([...word].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 5);
    vector[dim] += 1;
  }
  return vector;
}

async function startEmbeddings() {
  const requests: { inputs: string[]; auth: string | undefined }[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
      res.writeHead(404).end();
      return;
    }
    const { input, model } = JSON.parse(body);
    const inputs: string[] = Array.isArray(input) ? input : [input];
    requests.push({ inputs, auth: req.headers.authorization });
    const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) }));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  onTestFinished(close);
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, close };
}

async function kernel(dir: string, baseURL: string) {
  return createTestKernel({
    config: {
      agent: { model: 'fake/x', workspace: join(dir, 'ws') },
      providers: { emb: { api: 'openai', baseURL, apiKey: 'emb-test-key' } },
      plugins: ['session-store-file', 'agent', ['memory', { embeddings: { model: 'emb/concepts' } }]],
    },
    env: { MOLTBOT_STATE_DIR: join(dir, 'state') },
  });
}

describe('memory hybrid search (embeddings)', () => {
  it('finds a note by meaning, keeps vectors across a restart, falls back to full text when the endpoint is down', async () => {
    const { dir, write } = useTempDir();
    write('ws/MEMORY.md', 'My puppy is called Rex.\n\nThe car is blue.\n\nWe meet on Tuesdays.\n');
    const server = await startEmbeddings();
    const first = await kernel(dir, server.baseURL);
    const memory = first.use(memoryServiceRef);
    // No word of "canine" is in the file: full text alone finds nothing.
    const hits = await memory.search('canine', 2);
    expect(hits[0]).toMatchObject({ file: 'MEMORY.md', line: 1, snippet: 'My puppy is called Rex.' });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]?.score ?? 0);
    expect((await memory.search('automobile', 1))[0]).toMatchObject({ line: 3, snippet: 'The car is blue.' });
    expect(memory.status()).toMatchObject({ chunks: 3, vectors: 3 });
    expect(server.requests[0]).toEqual({ inputs: ['My puppy is called Rex.', 'The car is blue.', 'We meet on Tuesdays.'], auth: 'Bearer emb-test-key' });
    await first.close();

    const before = server.requests.length;
    const second = await kernel(dir, server.baseURL);
    const again = second.use(memoryServiceRef);
    expect((await again.search('canine', 1))[0]).toMatchObject({ line: 1 });
    // Only the query was embedded: the chunk vectors came back from disk.
    expect(server.requests.slice(before).map((r) => r.inputs)).toEqual([['canine']]);

    await server.close();
    expect((await again.search('tuesdays', 1))[0]).toMatchObject({ line: 5, snippet: 'We meet on Tuesdays.' });
    expect(second.logs.some((l) => String(l.msg).startsWith('memory embeddings unavailable'))).toBe(true);
    expect(JSON.stringify(second.logs)).not.toContain('emb-test-key');
  });
});
