/**
 * Downloads of WhatsApp media for the media kit: `GET {apiBaseUrl}/{apiVersion}/{media-id}`
 * gives a short-lived URL, which is fetched with the same access token. The token goes only to
 * the Graph API host and Meta's media host (lookaside.fbsbx.com).
 */
import { MediaDownloadError, httpDownload } from '../../sdk/channels/index.ts';
import type { WhatsAppSettings } from './settings.ts';

export const MEDIA_HOST = 'https://lookaside.fbsbx.com';

export type WhatsAppMediaDownload = (mediaId: string) => (signal: AbortSignal) => Promise<Response>;

export function whatsappMediaDownloader(settings: WhatsAppSettings): WhatsAppMediaDownload {
  const trustedOrigins = [new URL(settings.apiBaseUrl).origin, MEDIA_HOST];
  return (mediaId) => async (signal) => {
    const headers = { Authorization: `Bearer ${settings.credentials().accessToken}` };
    const meta = await fetch(`${settings.apiBaseUrl}/${settings.apiVersion}/${encodeURIComponent(mediaId)}`, { headers, signal });
    if (!meta.ok) {
      await meta.body?.cancel().catch(() => undefined);
      throw new MediaDownloadError(`the Graph API answered HTTP ${meta.status} for the media id`);
    }
    const { url } = (await meta.json()) as { url?: unknown };
    if (typeof url !== 'string') throw new MediaDownloadError('the Graph API gave no media URL');
    return httpDownload(url, { headers, trustedOrigins })(signal);
  };
}
