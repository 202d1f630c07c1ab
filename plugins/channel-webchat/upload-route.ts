/**
 * `POST /channels/webchat/upload?sessionKey=<key>&name=<file name>` (authenticated, write
 * scope): a file pasted or dropped into the control UI's chat. The body is the raw bytes (capped
 * while reading), the type is sniffed (a name that promises an image over bytes that are not one
 * is refused), and the file is stored 0600 in the session's media folder
 * (`<stateDir>/media/webchat/sessions/<sha256(sessionKey)>/`). The answer names the stored file;
 * the UI sends it with the message as an attachment reference.
 */
import { createHash } from 'node:crypto';
import { extname, join } from 'node:path';
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import { sendJson } from '../../sdk/gateway/index.ts';
import { BodyTooLargeError, formatBytes, outboundAttachment, readRawBody } from '../../sdk/channels/index.ts';
import { WebchatMediaStore } from './media-store.ts';

export const UPLOAD_ROUTE = '/channels/webchat/upload';
const IMAGE_NAMES = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);

export function sessionMediaDir(mediaDir: string, sessionKey: string): string {
  return join(mediaDir, 'sessions', createHash('sha256').update(sessionKey).digest('hex').slice(0, 32));
}

const refuse = (res: import('node:http').ServerResponse, status: number, code: string, message: string) => sendJson(res, status, { ok: false, error: { code, message } });

export function registerUploadRoute(router: HttpRouteRegistrar, options: { mediaDir: () => string; maxBytes: number }): void {
  router.route({
    method: 'POST',
    path: UPLOAD_ROUTE,
    scope: 'write',
    async handler(req, res) {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const sessionKey = query.get('sessionKey') ?? '';
      const name = query.get('name') ?? '';
      if (sessionKey === '' || sessionKey.length > 512) return refuse(res, 400, 'INVALID_PARAMS', 'sessionKey (query) is required, at most 512 characters');
      if (name === '' || name.length > 255) return refuse(res, 400, 'INVALID_PARAMS', 'name (query) is required: the file name, at most 255 characters');
      let bytes: Buffer;
      try {
        bytes = await readRawBody(req, options.maxBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return refuse(res, 413, 'FILE_TOO_LARGE', `file "${name}" is over ${formatBytes(options.maxBytes)}, the webchat upload limit`);
        throw error;
      }
      if (bytes.length === 0) return refuse(res, 400, 'EMPTY_FILE', `file "${name}" is empty`);
      const file = await outboundAttachment(bytes, name);
      if (IMAGE_NAMES.has(extname(file.name).toLowerCase()) && file.kind !== 'image') {
        return refuse(res, 415, 'MISLABELLED_FILE', `file "${file.name}" is named like an image but its bytes are ${file.mimeType}; send the real image, or rename the file`);
      }
      const stored = await new WebchatMediaStore(sessionMediaDir(options.mediaDir(), sessionKey)).put(file);
      const { id, name: storedName, mimeType, kind, size } = stored;
      sendJson(res, 201, { ok: true, file: { id, name: storedName, mimeType, kind, size } });
    },
  });
}
