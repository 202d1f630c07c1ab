/**
 * FS-08: names from untrusted sources that become file names — session keys (a channel peer id
 * is part of one) and channel ids — can never name a path: `../`, `/`, `\`, `:` and NUL are
 * encoded or refused.
 */
import { describe, expect, it } from 'vitest';
import { PairingStore } from '../../../plugins/channels/pairing-store.ts';
import { keyOfTranscript, transcriptName } from '../../../plugins/session-store-file/file-names.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const hostile = ['../../etc/passwd', 'a/b', 'a\\b', 'C:evil', '..', '.', 'agent:main:x:dm:../../x', 'nul\u0000byte', '%2e%2e%2f'];

describe('FS-08 names from untrusted sources in file names', () => {
  it.each(hostile)('session key %j becomes one plain file name and comes back unchanged', (key) => {
    const name = transcriptName(key);
    expect(name).not.toMatch(/[/\\:\u0000]/);
    expect(name.startsWith('.')).toBe(false);
    expect(keyOfTranscript(name)).toBe(key);
  });

  it.each(hostile)('channel id %j is refused as a pairing file name', async (id) => {
    const store = new PairingStore(useTempDir().dir);
    await expect(store.load(id)).rejects.toThrow(/invalid channel id/);
  });
});
