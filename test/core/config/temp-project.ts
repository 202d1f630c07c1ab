/** Real temporary directories for config tests: a project dir (cwd) and a home dir, removed after each test. */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export interface TempProject {
  /** Project directory, used as `cwd`. */
  dir: string;
  /** Home directory, so the default state dir is `<home>/.clawdbot`. */
  home: string;
  stateDir: string;
  /** Writes `content` at `relative` under `dir` (creating folders) and returns the absolute path. */
  write(relative: string, content: string): Promise<string>;
  /** Writes the seed file `<home>/.clawdbot/clawdbot.json`. */
  writeSeed(content: string): Promise<string>;
  /** Replaces the temp root in `text` by `<tmp>` so inline snapshots are stable. */
  scrub(text: string): string;
}

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempProject(): Promise<TempProject> {
  // realpath: on some systems os.tmpdir() is a symlink and Node reports real paths in errors.
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'moltbot-config-')));
  created.push(root);
  const dir = path.join(root, 'project');
  const home = path.join(root, 'home');
  await mkdir(dir);
  await mkdir(home);
  const write = async (file: string, content: string) => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  };
  return {
    dir,
    home,
    stateDir: path.join(home, '.clawdbot'),
    write: (relative, content) => write(path.join(dir, relative), content),
    writeSeed: (content) => write(path.join(home, '.clawdbot', 'clawdbot.json'), content),
    scrub: (text) => text.split(root).join('<tmp>'),
  };
}
