/** The published package runs dist/ (a bundle): unit templates and the CLI path come from the package root there too. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, spawnNode } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('daemon from the compiled package', () => {
  it('`daemon print` from dist/ renders the systemd unit with the package\'s own bin/moltbot.js', async () => {
    const temp = useTempDir();
    const script = temp.write('main.mjs', `
import { runCli } from '${pathToFileURL(join(REPO, 'dist/app/cli.js')).href}';
process.exitCode = await runCli([process.execPath, 'moltbot', 'daemon', 'print']);
`);
    const result = await spawnNode([script], { cwd: temp.dir, env: { HOME: temp.dir, MOLTBOT_STATE_DIR: join(temp.dir, 'state') } });
    expect(result.stderr).toBe('');
    const bin = join(REPO, 'bin', 'moltbot.js');
    expect(existsSync(bin)).toBe(true);
    expect(result.stdout).toMatch(/^ExecStart=.*bin\/moltbot\.js.* gateway/m);
    expect(result.stdout).toContain(bin);
    expect(result.stdout).toMatch(/^RestartPreventExitStatus=78$/m);
  });
});
