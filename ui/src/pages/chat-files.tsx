/**
 * Files in the webchat: pasted or dropped files are uploaded to the gateway
 * (`POST /channels/webchat/upload`, sniffed and capped there) and sent with the message by id
 * (chat.send `attachments`: the model gets them as a channel's inbound files); files the
 * assistant sends (`chat.message` with `attachments`) are fetched with the connection's
 * credential and shown inline (images) or as download links.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Gateway } from '../gateway.ts';

export interface ChatFile {
  id: string;
  name: string;
  mimeType: string;
  kind: 'image' | 'file';
  size: number;
  url?: string;
}

export async function uploadFile(gateway: Gateway, sessionKey: string, file: File): Promise<ChatFile> {
  const query = new URLSearchParams({ sessionKey, name: file.name || 'pasted-file' });
  const response = await gateway.http(`/channels/webchat/upload?${query}`, { method: 'POST', body: file });
  const body = await response.json().catch(() => ({})) as { file?: ChatFile; error?: { message?: string } };
  if (!response.ok || body.file === undefined) throw new Error(body.error?.message ?? `upload failed (HTTP ${response.status})`);
  return body.file;
}

/** Files of a paste or drop event (images copied from another app arrive as files too). */
export function filesOf(transfer: DataTransfer | null): File[] {
  return transfer ? [...transfer.files] : [];
}

export function Attachment({ gateway, file }: { gateway: Gateway; file: ChatFile }) {
  const [href, setHref] = useState<string | undefined>();
  useEffect(() => {
    if (file.url === undefined) return;
    let revoked = false;
    let objectUrl: string | undefined;
    gateway.http(file.url).then((response) => (response.ok ? response.blob() : undefined)).then((blob) => {
      if (blob === undefined || revoked) return;
      objectUrl = URL.createObjectURL(blob);
      setHref(objectUrl);
    }, () => undefined);
    return () => {
      revoked = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [gateway, file.url]);
  if (href === undefined) return <span class="attachment">{file.name} ({file.size} bytes)</span>;
  if (file.kind === 'image') return <img class="attachment" src={href} alt={file.name} />;
  return <a class="attachment" href={href} download={file.name}>{file.name} ({file.size} bytes)</a>;
}
