/**
 * Optional embeddings for hybrid memory search, through an OpenAI-compatible `/v1/embeddings`
 * endpoint (OpenAI, Ollama, vLLM, llama.cpp …) named like a model: `<provider>/<model>`, with
 * the provider's baseURL and key resolved exactly as the agent resolves them. The official
 * `openai` client does the wire format (loaded only when embeddings are configured). Floats
 * are asked for explicitly: the client's default (base64) is not understood by every
 * compatible server.
 */
import { resolveModel, type ProviderConfig } from '../../sdk/agent/index.ts';

export interface EmbeddingsOptions {
  /** `<provider>/<model>`, e.g. `openai/text-embedding-3-small` or `ollama/nomic-embed-text`. */
  model: string;
  /** Share of the vector similarity in the hybrid score (the rest is the BM25 score). */
  weight: number;
  batchSize: number;
  timeout: number;
}

export interface Embedder {
  readonly model: string;
  embed(texts: string[]): Promise<number[][]>;
}

export function createEmbedder(options: EmbeddingsOptions, providers: Readonly<Record<string, ProviderConfig>>, env: Readonly<Record<string, string | undefined>>): Embedder {
  let client: Promise<import('openai').OpenAI> | undefined;
  let key = '';
  const connect = () => (client ??= (async () => {
    const resolved = resolveModel(options.model, providers, env);
    if (resolved.api !== 'openai') throw new Error(`memory embeddings need an OpenAI-compatible provider; "${resolved.providerId}" speaks "${resolved.api}"`);
    key = resolved.apiKey;
    const { default: OpenAI } = await import('openai');
    return new OpenAI({ apiKey: resolved.apiKey, ...(resolved.baseURL ? { baseURL: resolved.baseURL } : {}), maxRetries: 0, timeout: options.timeout });
  })());
  const model = options.model.slice(options.model.indexOf('/') + 1);
  return {
    model: options.model,
    async embed(texts) {
      const out: number[][] = [];
      try {
        const api = await connect();
        for (let i = 0; i < texts.length; i += options.batchSize) {
          const response = await api.embeddings.create({ model, input: texts.slice(i, i + options.batchSize), encoding_format: 'float' });
          const batch = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
          if (batch.length !== Math.min(options.batchSize, texts.length - i)) throw new Error(`the embeddings endpoint returned ${batch.length} vectors for ${Math.min(options.batchSize, texts.length - i)} inputs`);
          out.push(...batch);
        }
      } catch (error) {
        client = undefined;
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`memory embeddings (${options.model}) failed: ${key === '' ? message : message.replaceAll(key, '[redacted]')}`);
      }
      return out;
    },
  };
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
