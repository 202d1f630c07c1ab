/**
 * The Anthropic Messages wire protocol: a streamed POST /v1/messages through the SDK's
 * postModelStream (fetch + SSE parser; the official client cost twice the CPU per call). No
 * retries here: failover is the agent's. `@anthropic-ai/sdk` gives the wire types only. Tool results travel as `tool_result` blocks in a user
 * turn; consecutive user-side messages are merged, as the API requires alternating roles.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { attemptSignal, fromSdkError, ModelCallError, parseEvent, postModelStream } from '../../sdk/agent/index.ts';
import type { ChatMessage, ModelApi, ModelCall, ModelEvent, Usage } from '../../sdk/agent/index.ts';

/**
 * Anthropic reports cache reads apart from `input_tokens`; cache writes are counted as input
 * (billed 1.25x by Anthropic: the cost table prices them as plain input, a small underestimate).
 */
export function startUsage(usage: Anthropic.Usage): Usage {
  const cached = usage.cache_read_input_tokens ?? 0;
  return { input: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0), output: usage.output_tokens, ...(cached > 0 ? { cached } : {}) };
}

type WireMessage = Anthropic.MessageParam;
type Block = Anthropic.ContentBlockParam;

type ImageType = Anthropic.Base64ImageSource['media_type'];
/** Image types the Messages API takes in a base64 `image` block. */
const IMAGE_TYPES: ReadonlySet<string> = new Set<ImageType>(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Loaded images first (Anthropic's advice: image before the question), then the text. */
function userBlocks(message: ChatMessage): Block[] {
  const images: Block[] = (message.parts ?? [])
    .filter((part) => part.type === 'image' && part.data !== undefined && IMAGE_TYPES.has(part.mimeType))
    .map((part) => ({ type: 'image', source: { type: 'base64', media_type: part.mimeType as ImageType, data: part.data! } }));
  return images.length > 0 && message.content === '' ? images : [...images, { type: 'text', text: message.content }];
}

export function toAnthropicMessages(messages: readonly ChatMessage[]): WireMessage[] {
  const wire: WireMessage[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    const last = wire[wire.length - 1];
    if (last !== undefined && last.role === role) (last.content as Block[]).push(...blocks);
    else wire.push({ role, content: blocks });
  };
  for (const message of messages) {
    if (message.role === 'user') push('user', userBlocks(message));
    else if (message.role === 'tool') {
      push('user', [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content, ...(message.isError ? { is_error: true } : {}) }]);
    } else {
      const blocks: Block[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
      for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.args ?? {} });
      if (blocks.length > 0) push('assistant', blocks);
    }
  }
  return wire;
}

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** The Messages API version this wire format follows. */
const API_VERSION = '2023-06-01';

type StreamEvent = Anthropic.MessageStreamEvent | { type: 'error'; error?: { type?: string; message?: string } };

export function createAnthropicApi(): ModelApi {
  return {
    api: 'anthropic',
    keyEnv: 'ANTHROPIC_API_KEY',
    async *stream(call: ModelCall): AsyncIterable<ModelEvent> {
      const attempt = attemptSignal(call.signal, call.timeoutMs);
      try {
        const body: Anthropic.MessageCreateParamsStreaming = {
          model: call.model,
          max_tokens: call.maxTokens,
          messages: toAnthropicMessages(call.messages),
          stream: true,
          ...(call.system ? { system: call.system } : {}),
          ...(call.tools && call.tools.length > 0
            ? { tools: call.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters as Anthropic.Tool.InputSchema })) }
            : {}),
        };
        const events = postModelStream({
          url: `${(call.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/v1/messages`,
          headers: { 'anthropic-version': API_VERSION, ...(call.apiKey === '' ? {} : { 'x-api-key': call.apiKey }) },
          body,
          signal: attempt.signal,
        });
        const blocks = new Map<number, { id: string; name: string; json: string }>();
        let usage: Usage = { input: 0, output: 0 };
        let stopReason: string | undefined;
        let stopped = false;
        for await (const message of events) {
          const event = parseEvent<StreamEvent>(message.data);
          // A failure after the 200 (overloaded mid-stream): an `error` event.
          if (event.type === 'error') throw new ModelCallError('overloaded', `the model stream failed: ${String(event.error?.message ?? event.error?.type ?? 'no message').slice(0, 300)}`);
          if (event.type === 'message_start') usage = startUsage(event.message.usage);
          else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
            blocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
          } else if (event.type === 'content_block_delta') {
            if (event.delta.type === 'text_delta') yield { type: 'text', text: event.delta.text };
            else if (event.delta.type === 'input_json_delta') {
              const block = blocks.get(event.index);
              if (block) block.json += event.delta.partial_json;
            }
          } else if (event.type === 'message_delta') {
            stopReason = event.delta.stop_reason ?? stopReason;
            usage = { ...usage, output: event.usage.output_tokens };
          } else if (event.type === 'message_stop') stopped = true;
        }
        if (!stopped) throw new ModelCallError('overloaded', 'the stream ended before the model finished (truncated response)');
        for (const block of blocks.values()) {
          let args: unknown = {};
          try {
            args = block.json.trim() === '' ? {} : JSON.parse(block.json);
          } catch (error) {
            throw new ModelCallError('overloaded', `the model sent unreadable arguments for tool "${block.name}"`, { cause: error });
          }
          yield { type: 'tool_call', call: { id: block.id, name: block.name, args } };
        }
        yield { type: 'done', stopReason: stopReason ?? 'end_turn', usage };
      } catch (error) {
        throw fromSdkError(error, attempt.state);
      } finally {
        attempt.dispose();
      }
    },
  };
}
