/**
 * Downloads of `mxc://<server>/<mediaId>` for the media kit, through the homeserver's
 * authenticated media endpoint (`GET /_matrix/client/v1/media/download/…`, Matrix v1.11) with
 * the access token, which goes only to the configured homeserver. Encrypted attachments
 * (`file` instead of `url`, in E2EE rooms) are not downloaded: the bot does not do E2EE.
 */
import { httpDownload } from '../../sdk/channels/index.ts';
import type { MxcDownload } from './inbound.ts';

const MXC = /^mxc:\/\/([A-Za-z0-9.:[\]-]+)\/([A-Za-z0-9_-]+)$/;

export function matrixMediaDownloader(homeserverUrl: string, accessToken: string): MxcDownload {
  const base = homeserverUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  return (mxc) => {
    const match = MXC.exec(mxc);
    if (match === null) return undefined;
    const url = `${base}/_matrix/client/v1/media/download/${encodeURIComponent(match[1]!)}/${encodeURIComponent(match[2]!)}`;
    return httpDownload(url, { headers: { Authorization: `Bearer ${accessToken}` }, trustedOrigins: [origin] });
  };
}
