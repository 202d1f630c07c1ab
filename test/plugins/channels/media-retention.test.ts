/** The retention sweep of the channels plugin: at start it deletes stored media older than retentionDays, keeps newer files, and says how many went. */
import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log.ts';
import { startMediaRetention } from '../../../plugins/channels/media-retention.ts';
import { storeMedia } from '../../../sdk/channels/index.ts';
import { until } from '../../helpers/fake-http.ts';
import { tinyPng } from '../../helpers/media-fixtures.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('media retention', () => {
  it('deletes files older than retentionDays at start, keeps the rest', async () => {
    const { dir } = useTempDir();
    const old = await storeMedia(dir, 'agent:main:telegram:dm:42', tinyPng(), 'png');
    const fresh = await storeMedia(dir, 'agent:main:telegram:dm:42', tinyPng(), 'png');
    const then = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    utimesSync(join(dir, old), then, then);
    const lines: { msg?: string; removed?: number }[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const stop = startMediaRetention(dir, 7, log);
    try {
      await until(() => !existsSync(join(dir, old)), 5000, 'the old file to be deleted');
      expect(existsSync(join(dir, fresh))).toBe(true);
      await until(() => lines.find((l) => l.removed === 1), 5000, 'the sweep to be logged');
    } finally {
      stop();
    }
  });
});
