/**
 * The `send_file` tool: the agent sends a workspace file (a chart it drew, a report it wrote)
 * to the chat the current run answers. The file is read through the workspace helper (confined
 * to the workspace, protected paths, symlink/hard-link escapes refused), capped at the channel's
 * `maxMediaBytes`, its type sniffed from the bytes, and queued to go out after the reply text:
 * a photo where the platform shows images, a document otherwise.
 */
import { basename } from 'node:path';
import { MoltbotError, compileOnFirstUse } from '../../sdk/core/index.ts';
import { toolErrors, type ToolContext, type ToolDefinition } from '../../sdk/agent/index.ts';
import { FsToolError, type WorkspaceFiles } from '../../sdk/workspace/index.ts';
import { MAX_ATTACHMENTS_PER_REPLY, formatBytes, outboundAttachment } from '../../sdk/channels/index.ts';
import { channelErrors } from './errors.ts';
import type { RunMedia } from './run-media.ts';

export const SEND_FILE_TOOL = 'send_file';

const parameters = {
  type: 'object', additionalProperties: false, required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 4096, description: 'File path relative to the workspace.' },
    caption: { type: 'string', maxLength: 1024, description: 'Short text shown with the file.' },
  },
};

export function createSendFileTool(files: () => WorkspaceFiles, media: RunMedia): ToolDefinition {
  const validate = compileOnFirstUse(parameters);
  return {
    name: SEND_FILE_TOOL,
    description: 'Send a file of the workspace (an image is shown as a picture) to the chat you are answering; it goes out after your reply text. Works in conversations that came from a chat channel.',
    parameters,
    access: { paths: { path: 'read' } },
    async handler(args: unknown, context: ToolContext) {
      if (!validate(args)) {
        const first = validate.errors?.[0];
        throw new FsToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, `${SEND_FILE_TOOL}: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
      }
      const { path, caption } = args as { path: string; caption?: string };
      const slot = media.get(context.runId);
      if (slot === undefined) {
        throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_MEDIA_REFUSED, { message: `${SEND_FILE_TOOL}: this conversation did not come from a chat channel, so there is no chat to send "${path}" to`, plugin: 'channels' });
      }
      if (slot.attachments.length >= MAX_ATTACHMENTS_PER_REPLY) {
        throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_MEDIA_REFUSED, { message: `${SEND_FILE_TOOL}: a reply carries at most ${MAX_ATTACHMENTS_PER_REPLY} files`, plugin: 'channels' });
      }
      let bytes: Buffer;
      try {
        bytes = await files().readBytes(path, context, { maxBytes: slot.maxBytes });
      } catch (error) {
        if (error instanceof MoltbotError && error.code === 'MOLT_ERR_TOOL_FILE_TOO_LARGE') {
          throw new FsToolError('MOLT_ERR_TOOL_FILE_TOO_LARGE', `${SEND_FILE_TOOL}: ${error.message} (channel "${slot.channel}" takes files up to ${formatBytes(slot.maxBytes)})`);
        }
        throw error;
      }
      const attachment = await outboundAttachment(bytes, basename(path), caption);
      slot.attachments.push(attachment);
      return { queued: attachment.name, kind: attachment.kind, mimeType: attachment.mimeType, size: attachment.size, channel: slot.channel };
    },
  };
}
