/**
 * The registry entries of one MCP server: its tools as `mcp__<server>__<tool>` (server-level
 * allow/deny applied), plus, when the server advertises them, `list_resources`,
 * `read_resource`, `list_prompts` and `get_prompt` under the same prefix (a server tool of the
 * same name wins). Tools that only run as tasks (`execution.taskSupport: "required"`) are left
 * out: a plain tools/call cannot run them. Every handler returns the result wrapped as untrusted content; a result
 * with `isError` becomes a failed tool call the model sees. A server's `notifications/progress`
 * for a call go to the caller's `context.progress` (agent runs: `tool.progress` events).
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext, ToolDefinition } from '../../sdk/agent/index.ts';
import type { McpServerConnection } from './connection.ts';
import { resultText, wrapUntrusted, describeBlock, type McpToolResult } from './result.ts';
import { registryName, toolAllowed } from './tool-names.ts';

export interface ServerToolDeps {
  onProgress(server: string, tool: string, context: ToolContext, progress: { progress: number; total?: number; message?: string }): void;
}

export class McpToolError extends Error {
  override name = 'McpToolError';
}

const DESCRIPTION_MAX = 1024;

export function serverTools(connection: McpServerConnection, tools: readonly Tool[], deps: ServerToolDeps): ToolDefinition[] {
  const spec = connection.spec;
  const out: ToolDefinition[] = [];
  const own = new Set<string>();
  for (const tool of tools) {
    if (!toolAllowed(tool.name, spec.allow, spec.deny)) continue;
    // A tool that only runs as a task (SEP-1686) cannot answer a plain tools/call.
    if ((tool as { execution?: { taskSupport?: string } }).execution?.taskSupport === 'required') continue;
    const name = registryName(spec.name, tool.name);
    own.add(name);
    out.push({
      name,
      description: `[MCP ${spec.name}] ${(tool.description ?? tool.title ?? tool.name).slice(0, DESCRIPTION_MAX)}`,
      parameters: { type: 'object', ...(tool.inputSchema as object) },
      handler: async (args: unknown, context: ToolContext) => {
        const result = (await connection.callTool(tool.name, args, {
          signal: context.signal,
          onProgress: (progress) => {
            deps.onProgress(spec.name, tool.name, context, progress);
            context.progress?.({ progress: progress.progress, ...(progress.total !== undefined ? { total: progress.total } : {}), ...(progress.message !== undefined ? { message: progress.message } : {}) });
          },
        })) as McpToolResult;
        const text = wrapUntrusted(`${spec.name}/${tool.name}`, resultText(result), spec.maxResultBytes);
        if (result.isError === true) throw new McpToolError(text);
        return text;
      },
    });
  }
  const extra = (tool: string, description: string, parameters: object, run: (args: any, signal: AbortSignal) => Promise<string>): void => {
    const name = registryName(spec.name, tool);
    if (own.has(name) || !toolAllowed(tool, spec.allow, spec.deny)) return;
    out.push({
      name, description: `[MCP ${spec.name}] ${description}`, parameters,
      handler: async (args: unknown, context: ToolContext) => wrapUntrusted(`${spec.name}/${tool}`, await run(args ?? {}, context.signal), spec.maxResultBytes),
    });
  };
  const client = () => {
    const current = connection.client;
    if (current === undefined) throw new Error(`MCP server "${spec.name}" is not connected (${connection.stats.state})`);
    return current;
  };
  const options = (signal: AbortSignal) => ({ signal, timeout: spec.timeoutMs });
  if (connection.stats.capabilities.resources) {
    extra('list_resources', `List the resources (and resource templates) server "${spec.name}" offers.`, { type: 'object', properties: { cursor: { type: 'string', description: 'Page cursor from a previous answer.' } }, additionalProperties: false }, async (args, signal) => {
      const page = await client().listResources(args.cursor ? { cursor: args.cursor } : {}, options(signal));
      const lines = page.resources.map((r) => `- ${r.uri}${r.name ? ` (${r.name})` : ''}${r.mimeType ? ` ${r.mimeType}` : ''}${r.description ? `: ${r.description}` : ''}`);
      let templates: string[] = [];
      if (!args.cursor) {
        try {
          templates = (await client().listResourceTemplates({}, options(signal))).resourceTemplates.map((t) => `- template ${t.uriTemplate}${t.name ? ` (${t.name})` : ''}${t.description ? `: ${t.description}` : ''}`);
        } catch {
          // Templates are optional.
        }
      }
      return [...lines, ...templates, ...(page.nextCursor ? [`(more: cursor ${page.nextCursor})`] : [])].join('\n') || '(no resources)';
    });
    extra('read_resource', `Read one resource of server "${spec.name}" by URI.`, { type: 'object', properties: { uri: { type: 'string', minLength: 1, description: 'Resource URI from list_resources.' } }, required: ['uri'], additionalProperties: false }, async (args, signal) => {
      if (typeof args.uri !== 'string' || args.uri === '') throw new Error('read_resource: "uri" is required');
      const result = await client().readResource({ uri: args.uri }, options(signal));
      return result.contents.map((c) => describeBlock({ type: 'resource', resource: c as never })).join('\n');
    });
  }
  if (connection.stats.capabilities.prompts) {
    extra('list_prompts', `List the prompts server "${spec.name}" offers.`, { type: 'object', properties: { cursor: { type: 'string', description: 'Page cursor from a previous answer.' } }, additionalProperties: false }, async (args, signal) => {
      const page = await client().listPrompts(args.cursor ? { cursor: args.cursor } : {}, options(signal));
      return page.prompts.map((p) => `- ${p.name}${p.description ? `: ${p.description}` : ''}${p.arguments?.length ? ` (arguments: ${p.arguments.map((a) => `${a.name}${a.required ? '*' : ''}`).join(', ')})` : ''}`).join('\n') || '(no prompts)';
    });
    extra('get_prompt', `Get one prompt of server "${spec.name}" with its arguments filled in.`, { type: 'object', properties: { name: { type: 'string', minLength: 1, description: 'Prompt name from list_prompts.' }, arguments: { type: 'object', additionalProperties: { type: 'string' }, description: 'Prompt arguments.' } }, required: ['name'], additionalProperties: false }, async (args, signal) => {
      if (typeof args.name !== 'string' || args.name === '') throw new Error('get_prompt: "name" is required');
      const result = await client().getPrompt({ name: args.name, ...(args.arguments ? { arguments: args.arguments } : {}) }, options(signal));
      return [...(result.description ? [result.description] : []), ...result.messages.map((m) => `${m.role}: ${describeBlock(m.content as never)}`)].join('\n');
    });
  }
  return out;
}
