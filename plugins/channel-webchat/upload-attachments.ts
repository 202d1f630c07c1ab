/**
 * The `chat-attachments` service of webchat: the ids chat.send carries (`attachments`) name
 * files uploaded to the same session (`POST /channels/webchat/upload`, authenticated, stored
 * per session). Each is looked up only in that session's upload folder (an id of another
 * session is unknown here), then handed to the `channels` service's `prepareMedia` — the same
 * media kit and notes (image label, audio transcript, document text) as any channel's inbound
 * file, under the `channels` plugin's `media` options. A refused or unknown file refuses the
 * whole message, naming the param, before anything reaches the agent.
 */
import type { ChatAttachmentsService, ResolvedChatAttachments } from '../../sdk/agent/index.ts';
import type { ChannelsService, InboundAttachment } from '../../sdk/channels/index.ts';
import { RpcError } from '../../sdk/gateway/index.ts';
import { WebchatMediaStore } from './media-store.ts';
import { sessionMediaDir } from './upload-route.ts';

export function createUploadAttachments(options: { mediaDir: () => string; channels: () => ChannelsService }): ChatAttachmentsService {
  return {
    async resolve({ sessionKey, ids, param, signal }): Promise<ResolvedChatAttachments> {
      const store = new WebchatMediaStore(sessionMediaDir(options.mediaDir(), sessionKey));
      const attachments: InboundAttachment[] = [];
      for (const [index, id] of ids.entries()) {
        const found = await store.get(id);
        if (found === undefined) {
          throw new RpcError('INVALID_REQUEST', `${param}/${index}: no file "${id}" was uploaded to session "${sessionKey}"; upload it first (POST /channels/webchat/upload?sessionKey=…&name=…) and send the id it answers`);
        }
        const { meta, data } = found;
        // The bytes are already here: the kit's "download" is the stored file.
        attachments.push({ name: meta.name, mimeType: meta.mimeType, size: meta.size, download: async () => new Response(new Uint8Array(data)) });
      }
      const input = await options.channels().prepareMedia(attachments, { sessionKey, signal });
      if (input.refusals.length > 0) {
        const index = attachments.findIndex((file) => file.name === input.refusals[0]!.name);
        throw new RpcError('INVALID_REQUEST', `${param}/${Math.max(index, 0)}: ${input.refusals.map((refusal) => refusal.message).join(' ')}`);
      }
      if (input.media.length < attachments.length) {
        // Inbound media is off (channels plugin option media.enabled false): the files stay out.
        throw new RpcError('INVALID_REQUEST', `${param}: files are not accepted (the channels plugin option media.enabled is false); send the message without attachments`);
      }
      return { notes: input.notes, media: input.media };
    },
  };
}
