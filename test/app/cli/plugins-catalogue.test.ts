/** `moltbot plugins catalogue` and `moltbot plugins info <first-party plugin>`, configured or not. */
import { describe, expect, it } from 'vitest';
import { FIRST_PARTY } from '../../../app/catalogue.ts';
import type { CatalogueRow } from '../../../app/cli/catalogue-command.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

function project(config: object) {
  const temp = useTempDir();
  temp.write('moltbot.config.json', JSON.stringify(config));
  return temp.dir;
}

describe('moltbot plugins catalogue', () => {
  it('lists every first-party plugin with its description, sections and whether this config loads it', async () => {
    const cwd = project({ gateway: { auth: { mode: 'token' } }, logging: { transports: ['file'] } });
    const result = await runCliCaptured(['plugins', 'catalogue', '--json'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as CatalogueRow[];
    expect(rows.map((row) => row.name)).toEqual(Object.keys(FIRST_PARTY).sort());
    for (const row of rows) expect(row.description, row.name).not.toBe('');
    const byName = new Map(rows.map((row) => [row.name, row]));
    expect(byName.get('gateway')).toMatchObject({ loaded: true, preset: true });
    // Brought by its section, though neither listed nor in the preset.
    expect(byName.get('log-file')).toMatchObject({ loaded: true, preset: false, sections: ['logging'] });
    expect(byName.get('tailscale')).toMatchObject({ loaded: false, preset: false, sections: ['gateway.tailscale'] });
  });

  it('prints a table, and still lists (LOADED "?") with a note when the config does not validate', async () => {
    const ok = await runCliCaptured(['plugins', 'catalogue'], { cwd: project({ gateway: { auth: { mode: 'token' } } }) });
    expect(ok.stdout).toMatch(/^NAME\s+LOADED\s+SECTIONS\s+DESCRIPTION$/m);
    expect(ok.stdout).toMatch(/^tailscale\s+no\s+gateway\.tailscale\s+Expose the gateway with `tailscale serve`/m);
    expect(ok.stdout).toMatch(/^cron\s+yes\s+cron\s+Scheduled agent turns/m);
    const broken = await runCliCaptured(['plugins', 'catalogue'], { cwd: project({ gateway: { port: 'x' } }) });
    expect(broken.code).toBe(0);
    expect(broken.stdout).toMatch(/^cron\s+\?\s+/m);
    expect(broken.stderr).toMatch(/^note: the config does not validate \(.*gateway\.port/m);
  });
});

describe('moltbot plugins info <first-party plugin>', () => {
  it('describes a plugin this config does not load, from its definition', async () => {
    const cwd = project({ gateway: { auth: { mode: 'token' } } });
    const result = await runCliCaptured(['plugins', 'info', 'tailscale'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      name: 'tailscale', origin: 'first-party', loaded: false, preset: false,
      sections: ['gateway.tailscale'], dependencies: ['gateway'], description: expect.stringContaining('tailscale serve'),
    });
  });

  it('describes a loaded one as loaded, with its schema', async () => {
    const result = await runCliCaptured(['plugins', 'info', 'cron'], { cwd: project({ gateway: { auth: { mode: 'token' } } }) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'cron', origin: 'first-party', status: 'registered', loaded: true, sections: ['cron'], schema: expect.any(Object) });
  });

  it('works on a config that does not validate, and an unknown name points at the catalogue', async () => {
    const cwd = project({ gateway: { port: 'x' } });
    const info = await runCliCaptured(['plugins', 'info', 'log-file'], { cwd });
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ name: 'log-file', loaded: false });
    const unknown = await runCliCaptured(['plugins', 'info', 'no-such-plugin'], { cwd: project({}) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('`moltbot plugins catalogue` lists the first-party plugins');
  });
});
