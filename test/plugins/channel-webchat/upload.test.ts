/** POST /channels/webchat/upload: authenticated, capped while reading, type sniffed, stored 0600 per session. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSWORD, startGateway } from '../gateway/helpers.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';
import { WEBCHAT_MAX_MEDIA } from '../../../plugins/channel-webchat/adapter.ts';
import { sessionMediaDir } from '../../../plugins/channel-webchat/upload-route.ts';

const auth = { authorization: `Bearer ${PASSWORD}` };

describe('channel-webchat: uploads', () => {
  it('stores an upload in the session media folder; refuses no credential, a missing name, an oversized or mislabelled file', async () => {
    const h = await startGateway({ extra: ['channels', 'channel-webchat'] });
    const url = (query: string) => `${h.httpUrl}/channels/webchat/upload?${query}`;
    const post = async (query: string, body: Uint8Array, headers: Record<string, string> = auth) => {
      const response = await fetch(url(query), { method: 'POST', headers, body });
      return { status: response.status, body: await response.json() as any };
    };

    const ok = await post('sessionKey=agent:main:main&name=chart.png', PNG_1X1);
    expect(ok).toMatchObject({ status: 201, body: { ok: true, file: { name: 'chart.png', mimeType: 'image/png', kind: 'image', size: PNG_1X1.length } } });
    const stored = join(sessionMediaDir(join(h.kernel.tempDir, 'state', 'media', 'webchat'), 'agent:main:main'), ok.body.file.id);
    expect(readFileSync(stored).equals(PNG_1X1)).toBe(true);
    expect(statSync(stored).mode & 0o777).toBe(0o600);

    expect((await post('sessionKey=agent:main:main&name=chart.png', PNG_1X1, {})).status).toBe(401);
    expect(await post('sessionKey=agent:main:main', PNG_1X1)).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('name (query) is required') } } });
    expect(await post('sessionKey=agent:main:main&name=big.bin', Buffer.alloc(WEBCHAT_MAX_MEDIA + 1))).toMatchObject({ status: 413, body: { error: { code: 'FILE_TOO_LARGE', message: 'file "big.bin" is over 20 MB, the webchat upload limit' } } });
    expect(await post('sessionKey=agent:main:main&name=photo.jpg', Buffer.from('not a photo'))).toMatchObject({ status: 415, body: { error: { code: 'MISLABELLED_FILE' } } });
  });
});
