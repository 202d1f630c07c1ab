/**
 * A local OpenAI-compatible speech-to-text endpoint (`POST /v1/audio/transcriptions`, multipart
 * `file` + `model`) answering `{ "text": … }` and recording what it was sent. Closes after the test.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { onTestFinished } from 'vitest';

export interface TranscriptionRequest { model: string; fileName: string; bytes: Buffer; auth: string | undefined }

/** `hold`: the answer waits for it (a slow transcription), after the request is recorded. */
export async function startFakeTranscriber(text: string, options: { hold?: Promise<void> } = {}): Promise<{ baseURL: string; received: TranscriptionRequest[] }> {
  const received: TranscriptionRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') return void res.writeHead(404).end();
    // The platform's own multipart parser (undici) reads the form like a real server would.
    const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: Buffer.concat(chunks) }).formData();
    const file = form.get('file') as File;
    received.push({ model: String(form.get('model')), fileName: file.name, bytes: Buffer.from(await file.arrayBuffer()), auth: req.headers.authorization });
    await options.hold;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ text }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseURL: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`, received };
}
