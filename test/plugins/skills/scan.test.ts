/** The re-scan per run is cheap: unchanged SKILL.md files are stat'ed, not read again. */
import { chmodSync, mkdirSync, utimesSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SkillScanner } from '../../../plugins/skills/scan.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const gate = { env: {}, config: {}, platform: process.platform };

describe('SkillScanner', () => {
  it('parses a file again only when its mtime or size changed; finds nested skills, skips hidden folders', async () => {
    const { dir, write } = useTempDir();
    write('root/a/SKILL.md', '---\nname: a\ndescription: first\n---\n');
    write('root/group/b/SKILL.md', '---\nname: b\ndescription: nested\n---\n');
    write('root/.hidden/c/SKILL.md', '---\nname: c\ndescription: hidden\n---\n');
    write('root/too/deep/d/SKILL.md', '---\nname: d\ndescription: below maxDepth\n---\n');
    const scanner = new SkillScanner({ maxDepth: 2, maxSkillBytes: 4096, disabled: ['b'] });
    const sources = [{ label: 'workspace', dir: join(dir, 'root') }];
    const first = await scanner.scan(sources, gate);
    expect(first.map((r) => [r.name, r.status])).toEqual([['a', 'available'], ['b', 'disabled']]);
    expect(scanner.parses).toBe(2);
    await scanner.scan(sources, gate);
    expect(scanner.parses).toBe(2);
    const file = write('root/a/SKILL.md', '---\nname: a\ndescription: edited\n---\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const edited = await scanner.scan(sources, gate);
    expect(scanner.parses).toBe(3);
    expect(edited[0]).toMatchObject({ name: 'a', description: 'edited' });
    write('root/big/SKILL.md', `---\nname: big\ndescription: x\n---\n${'x'.repeat(5000)}`);
    expect((await scanner.scan(sources, gate)).find((r) => r.dir.endsWith('big'))).toMatchObject({ status: 'invalid', reasons: [expect.stringMatching(/bytes; the limit is 4096/)] });
    expect(scanner.parses).toBe(3);
  });

  it('a scan whose skills need no binary looks at no PATH folder (it runs before every agent run)', async () => {
    const { dir, write } = useTempDir();
    write('root/plain/SKILL.md', '---\nname: plain\ndescription: no requirements\n---\n');
    const scanner = new SkillScanner({ maxDepth: 2, maxSkillBytes: 4096, disabled: [] });
    const sources = [{ label: 'workspace', dir: join(dir, 'root') }];
    const pathGate = { ...gate, env: { PATH: [join(dir, 'a'), join(dir, 'b'), join(dir, 'c')].join(delimiter) } };
    await scanner.scan(sources, pathGate);
    await scanner.scan(sources, pathGate);
    expect(scanner.pathFoldersChecked).toBe(0);
    write('root/tool/SKILL.md', '---\nname: tool\ndescription: needs mytool\nrequires:\n  bins: [mytool]\n---\n');
    expect((await scanner.scan(sources, pathGate)).find((r) => r.name === 'tool')?.status).toBe('unavailable');
    expect(scanner.pathFoldersChecked).toBe(3);
  });

  it('a binary installed (or made executable) after a scan counts at the next scan', async () => {
    const { dir, write } = useTempDir();
    write('root/tool/SKILL.md', '---\nname: tool\ndescription: needs mytool\nrequires:\n  bins: [mytool]\n---\n');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const scanner = new SkillScanner({ maxDepth: 2, maxSkillBytes: 4096, disabled: [] });
    const sources = [{ label: 'workspace', dir: join(dir, 'root') }];
    const input = { env: { PATH: `${bin}:${join(dir, 'missing')}` }, config: {}, platform: process.platform };
    expect((await scanner.scan(sources, input))[0]).toMatchObject({ status: 'unavailable', reasons: ['binary "mytool" not found on PATH'] });
    const tool = write('bin/mytool', '#!/bin/sh\n', 0o644);
    utimesSync(bin, new Date(), new Date(Date.now() + 5000));
    expect((await scanner.scan(sources, input))[0]).toMatchObject({ status: 'unavailable' });
    chmodSync(tool, 0o755);
    expect((await scanner.scan(sources, input))[0]).toMatchObject({ status: 'available', reasons: [] });
  });
});
