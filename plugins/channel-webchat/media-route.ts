/**
 * `GET /channels/webchat/media?id=<id>` (authenticated, read scope): a file sent to webchat.
 * The type is the one sniffed when it was stored (never the name's), `nosniff` keeps browsers
 * from guessing another, and anything but an image is a download (`Content-Disposition:
 * attachment`) so a file cannot run as a page on the gateway's origin.
 */
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import { sendJson } from '../../sdk/gateway/index.ts';
import { MEDIA_ROUTE, type WebchatMediaStore } from './media-store.ts';

/** Images a browser shows inline; SVG is not one of them (it can carry script). */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function registerMediaRoute(router: HttpRouteRegistrar, store: () => WebchatMediaStore): void {
  router.route({
    method: 'GET',
    path: MEDIA_ROUTE,
    scope: 'read',
    async handler(req, res) {
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
      const found = await store().get(id);
      if (found === undefined) return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'no such webchat file (unknown id)' } });
      const { meta, data } = found;
      const inline = INLINE.has(meta.mimeType);
      const filename = encodeURIComponent(meta.name);
      res.writeHead(200, {
        'Content-Type': meta.mimeType,
        'Content-Length': String(data.length),
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${filename}`,
        'Cache-Control': 'private, max-age=3600',
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      res.end(data);
    },
  });
}
