/**
 * The `chat-attachments` service: turns the ids a gateway client sends with `chat.send`
 * (`attachments`, files it uploaded first) into what the agent gets for a channel's inbound
 * media — notes for the message text and stored `MediaRef`s. Provided by `channel-webchat`
 * (files pasted or dropped into the control UI's chat); without a provider, chat.send refuses
 * `attachments`. The provider checks the ids (only files uploaded to that session) and throws
 * an error naming the param for one it does not know.
 */
import { createServiceRef } from '../core/index.ts';
import type { MediaRef } from './types.ts';

export interface ChatAttachmentsRequest {
  sessionKey: string;
  /** Upload ids, in the order the client sent them. */
  ids: readonly string[];
  /** Where the ids came from, for error messages (`/params/attachments`). */
  param: string;
  signal: AbortSignal;
}

export interface ResolvedChatAttachments {
  /** Lines added to the message text, one block per file (image label, transcript, document text). */
  notes: string[];
  /** The stored files (`RunRequest.media`): references in the transcript, image parts for vision models. */
  media: MediaRef[];
}

export interface ChatAttachmentsService {
  resolve(request: ChatAttachmentsRequest): Promise<ResolvedChatAttachments>;
}

export const chatAttachmentsRef = createServiceRef<ChatAttachmentsService>({
  id: 'chat-attachments',
  description: 'Files a gateway client uploaded and sends with chat.send (attachments) → notes and media references',
});
