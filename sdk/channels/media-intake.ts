/**
 * The inbound media kit, one call per attachment: refuse early what the platform says is too
 * big, download under the timeout and the byte cap, sniff the content type, refuse a mislabelled
 * or disallowed file, store it in the session's media folder. A refusal comes back with the
 * sentence the sender is told; nothing here throws for a bad file.
 */
import type { MediaRef } from '../agent/index.ts';
import type { InboundAttachment, MediaIntake, MediaLimits, MediaRefusal, MediaRefusalReason } from './media.ts';
import { MediaTooLargeError, readCappedBody } from './media-download.ts';
import { judgeMedia, kindOf } from './media-sniff.ts';
import { storeMedia } from './media-store.ts';

export interface IntakeOptions {
  limits: MediaLimits;
  stateDir: string;
  sessionKey: string;
  /** Aborted when the channel stops. */
  signal: AbortSignal;
}

/** `12.3 MB`, `512 KB`, `17 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function refuse(reason: MediaRefusalReason, name: string, message: string): MediaIntake {
  const refusal: MediaRefusal = { reason, name, message };
  return { status: 'refused', refusal };
}

export async function takeAttachment(attachment: InboundAttachment, options: IntakeOptions): Promise<MediaIntake> {
  const name = (attachment.name ?? 'file').replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 120);
  const { limits } = options;
  const cap = formatBytes(limits.maxBytes);
  if (attachment.download === undefined) return refuse('no-download', name, `I could not fetch "${name}": this channel does not let me download files.`);
  if (attachment.size !== undefined && attachment.size > limits.maxBytes) {
    return refuse('too-large', name, `I did not take "${name}": it is ${formatBytes(attachment.size)}, over the ${cap} limit.`);
  }
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let bytes: Buffer;
  try {
    bytes = await readCappedBody(await attachment.download(signal), limits.maxBytes, signal);
  } catch (error) {
    if (error instanceof MediaTooLargeError) return refuse('too-large', name, `I did not take "${name}": it is over the ${cap} limit.`);
    if (timeout.aborted) return refuse('timeout', name, `I could not fetch "${name}" in time (${Math.round(limits.timeoutMs / 1000)} s); please try again.`);
    if (options.signal.aborted) throw error;
    return refuse('download-failed', name, `I could not fetch "${name}"; please try again.`);
  }
  const verdict = await judgeMedia(bytes, attachment, limits.allowedTypes);
  if (!verdict.ok) {
    const actual = verdict.sniffed?.mimeType ?? 'unrecognised binary data';
    if (verdict.reason === 'mislabelled') {
      return refuse('mislabelled', name, `I did not open "${name}": it claims to be ${verdict.claimed} but its content is ${actual}.`);
    }
    return refuse('type-not-allowed', name, `I did not take "${name}": files of type ${actual} are not accepted here (accepted: ${limits.allowedTypes.join(', ')}).`);
  }
  const file = await storeMedia(options.stateDir, options.sessionKey, bytes, verdict.sniffed.ext);
  const media: MediaRef = { kind: kindOf(verdict.sniffed.mimeType), mimeType: verdict.sniffed.mimeType, name, size: bytes.length, file };
  return { status: 'stored', media };
}
