/**
 * The OpenAI Chat Completions wire protocol: a streamed POST /chat/completions through the SDK's
 * postModelStream (fetch + SSE parser; the official client cost twice the CPU per call). No
 * retries here: failover is the agent's. Works with any compatible server via `baseURL`. The
 * `openai` package gives the wire types only.
 */
import type OpenAI from 'openai';
import { attemptSignal, fromSdkError, ModelCallError, parseEvent, postModelStream } from '../../sdk/agent/index.ts';
import type { ChatMessage, ModelApi, ModelCall, ModelEvent, ToolCallRecord, Usage } from '../../sdk/agent/index.ts';

/** OpenAI counts cached prompt tokens inside `prompt_tokens`; `input` here is the uncached rest. */
export function chunkUsage(usage: OpenAI.CompletionUsage): Usage {
  const prompt = usage.prompt_tokens ?? 0;
  const cached = Math.min(prompt, usage.prompt_tokens_details?.cached_tokens ?? 0);
  return { input: prompt - cached, output: usage.completion_tokens ?? 0, ...(cached > 0 ? { cached } : {}) };
}

type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Image types the Chat Completions API takes as `image_url` parts. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Text alone stays a string (as before); with loaded images, a text part then one `image_url` data URL per image. */
function userContent(message: ChatMessage): string | OpenAI.Chat.Completions.ChatCompletionContentPart[] {
  const images = (message.parts ?? []).filter((part) => part.type === 'image' && part.data !== undefined && IMAGE_TYPES.has(part.mimeType));
  if (images.length === 0) return message.content;
  return [
    ...(message.content === '' ? [] : [{ type: 'text' as const, text: message.content }]),
    ...images.map((part) => ({ type: 'image_url' as const, image_url: { url: `data:${part.mimeType};base64,${part.data}` } })),
  ];
}

export function toOpenAiMessages(system: string | undefined, messages: readonly ChatMessage[]): WireMessage[] {
  const wire: WireMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const message of messages) {
    if (message.role === 'user') wire.push({ role: 'user', content: userContent(message) });
    else if (message.role === 'tool') wire.push({ role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content });
    else if (message.toolCalls && message.toolCalls.length > 0) {
      wire.push({
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } })),
      });
    } else wire.push({ role: 'assistant', content: message.content });
  }
  return wire;
}

function parseArgs(text: string, name: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelCallError('overloaded', `the model sent unreadable arguments for tool "${name}"`, { cause: error });
  }
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

type StreamChunk = OpenAI.Chat.Completions.ChatCompletionChunk & { error?: { message?: string } };

export function createOpenAiApi(): ModelApi {
  return {
    api: 'openai',
    keyEnv: 'OPENAI_API_KEY',
    async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
      const attempt = attemptSignal(call.signal, call.timeoutMs);
      try {
        const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming = {
          model: call.model,
          messages: toOpenAiMessages(call.system, call.messages),
          max_completion_tokens: call.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
          ...(call.tools && call.tools.length > 0
            ? { tools: call.tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters as Record<string, unknown> } })) }
            : {}),
        };
        const events = postModelStream({
          url: `${(call.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/chat/completions`,
          headers: call.apiKey === '' ? {} : { authorization: `Bearer ${call.apiKey}` },
          body,
          signal: attempt.signal,
        });
        const calls = new Map<number, { id: string; name: string; args: string }>();
        let finish: string | undefined;
        let usage: Usage = { input: 0, output: 0 };
        for await (const event of events) {
          // Read on to the end: leaving early cancels the body, and undici aborts the request for it.
          if (event.data === '[DONE]') continue;
          const chunk = parseEvent<StreamChunk>(event.data);
          // A failure after the 200: the server reports it as a data event.
          if (chunk.error !== undefined) throw new ModelCallError('overloaded', `the model stream failed: ${String(chunk.error.message ?? 'no message').slice(0, 300)}`);
          if (chunk.usage) usage = chunkUsage(chunk.usage);
          const choice = chunk.choices?.[0];
          if (choice === undefined) continue;
          const delta = choice.delta;
          if (delta?.content) yield { type: 'text', text: delta.content };
          for (const part of delta?.tool_calls ?? []) {
            const slot = calls.get(part.index) ?? { id: '', name: '', args: '' };
            if (part.id) slot.id = part.id;
            if (part.function?.name) slot.name += part.function.name;
            if (part.function?.arguments) slot.args += part.function.arguments;
            calls.set(part.index, slot);
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
        if (finish === undefined) throw new ModelCallError('overloaded', 'the stream ended before the model finished (truncated response)');
        for (const slot of calls.values()) {
          const record: ToolCallRecord = { id: slot.id, name: slot.name, args: parseArgs(slot.args, slot.name) };
          yield { type: 'tool_call', call: record };
        }
        yield { type: 'done', stopReason: finish, usage };
      } catch (error) {
        throw fromSdkError(error, attempt.state);
      } finally {
        attempt.dispose();
      }
    },
  };
}
