/**
 * __NAME__: tools for the Moltbot agent. `word_count` is trusted code and runs in the gateway
 * process; `title_case` is untrusted code: its source runs in the sandbox (isolated-vm in a
 * supervised worker process), with memory and time limits and no access to Node.
 */
import { sandboxServiceRef, toolRegistryRef } from 'moltbot/plugin-sdk/agent';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import schema from './schema.json' with { type: 'json' };

export interface Options {
  /** Longest text the tools accept, in characters. */
  maxChars: number;
}

/** An ES module evaluated in an isolate: plain JavaScript, no imports, no Node APIs. */
const TITLE_CASE_SOURCE = `export default {
  description: 'Capitalises the first letter of every word',
  parameters: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
  run: ({ text }) => text.replace(/\\b\\p{L}/gu, (letter) => letter.toUpperCase()),
};`;

export default definePlugin<Options>({
  name: '__NAME__',
  version: '0.1.0',
  kernel: '__MOLTBOT_RANGE__',
  description: 'Agent tools: one trusted, one sandboxed.',
  schema,
  defaults: { maxChars: 100_000 },
  // Set up after the agent (tools registry) and the sandbox, which provide these services.
  consumes: [toolRegistryRef, sandboxServiceRef],
  setup(ctx, options) {
    const text = { type: 'string', maxLength: options.maxChars, description: 'The text to work on.' };
    const tools = ctx.use(toolRegistryRef);
    ctx.onClose(tools.register({
      name: 'word_count',
      description: 'Counts the words of a text.',
      parameters: { type: 'object', additionalProperties: false, required: ['text'], properties: { text } },
      handler: ({ text: input }: { text: string }) => ({ words: input.split(/\s+/u).filter(Boolean).length }),
    }));
    const sandbox = ctx.use(sandboxServiceRef);
    ctx.onClose(sandbox.registerTool({
      name: 'title_case',
      description: 'Capitalises the first letter of every word (runs in the sandbox).',
      parameters: { type: 'object', additionalProperties: false, required: ['text'], properties: { text } },
      source: TITLE_CASE_SOURCE,
    }));
  },
});
