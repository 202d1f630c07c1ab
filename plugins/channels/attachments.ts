/**
 * The checks every outgoing file passes before it is queued (whoever sent it: the agent's
 * `send_file`, `channels.send`, a `messageSending` tap): well-formed, within the channel's size
 * limit, at most MAX_ATTACHMENTS_PER_REPLY per message. A refusal names the file and the limit.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { MAX_ATTACHMENTS_PER_REPLY, formatBytes, type OutboundAttachment } from '../../sdk/channels/index.ts';
import { channelErrors } from './errors.ts';

const refuse = (message: string) => new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_MEDIA_REFUSED, { message, plugin: 'channels' });

export function mediaTooLarge(channel: string, name: string, size: number, maxBytes: number): MoltbotError {
  return refuse(`file "${name}" is ${formatBytes(size)}; channel "${channel}" takes files up to ${formatBytes(maxBytes)} (${maxBytes} bytes)`);
}

export function checkAttachments(channel: string, attachments: readonly OutboundAttachment[], maxBytes: number): void {
  if (attachments.length > MAX_ATTACHMENTS_PER_REPLY) throw refuse(`a message carries at most ${MAX_ATTACHMENTS_PER_REPLY} files (got ${attachments.length})`);
  attachments.forEach((file, index) => {
    const valid = typeof file === 'object' && file !== null && typeof file.name === 'string' && file.name.length > 0
      && typeof file.mimeType === 'string' && (file.kind === 'image' || file.kind === 'file')
      && file.data instanceof Uint8Array && file.size === file.data.byteLength;
    if (!valid) throw refuse(`attachments[${index}] must be { name, mimeType, kind: 'image' | 'file', size, data: Uint8Array } with size = data.byteLength (build it with outboundAttachment())`);
    if (file.size > maxBytes) throw mediaTooLarge(channel, file.name, file.size, maxBytes);
  });
}
