/** The published package runs dist/: unit templates and the CLI path come from the package root there too. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, spawnNode } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('daemon from the compiled package', () => {
  it('renders the systemd unit from dist/ with the package\'s own bin/moltbot.js', async () => {
    const temp = useTempDir();
    const script = temp.write('main.mjs', `
import { renderSystemdUnit } from '${pathToFileURL(join(REPO, 'dist/plugins/daemon/render.js')).href}';
import { PACKAGE } from '${pathToFileURL(join(REPO, 'dist/core/version.js')).href}';
const bin = PACKAGE.root + '/bin/moltbot.js';
console.log(JSON.stringify({ bin, unit: renderSystemdUnit({ node: process.execPath, bin, stateDir: '/tmp/s', workingDirectory: '/tmp' }) }));
`);
    const result = await spawnNode([script], { cwd: temp.dir });
    expect(result.stderr).toBe('');
    const { bin, unit } = JSON.parse(result.stdout) as { bin: string; unit: string };
    expect(bin).toBe(join(REPO, 'bin', 'moltbot.js'));
    expect(existsSync(bin)).toBe(true);
    expect(unit).toMatch(/^ExecStart=.*bin\/moltbot\.js.* gateway/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
  });
});
