import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHome, resolveStateDir } from '../../../core/config/state-dir.ts';

const home = '/home/ada';

describe('resolveStateDir', () => {
  it.each([
    ['defaults to <home>/.clawdbot', {}, '/home/ada/.clawdbot'],
    ['uses CLAWDBOT_STATE_DIR', { CLAWDBOT_STATE_DIR: '/var/lib/clawdbot' }, '/var/lib/clawdbot'],
    ['prefers MOLTBOT_STATE_DIR over CLAWDBOT_STATE_DIR', { MOLTBOT_STATE_DIR: '/var/lib/moltbot', CLAWDBOT_STATE_DIR: '/var/lib/clawdbot' }, '/var/lib/moltbot'],
    ['expands ~ in the variable', { MOLTBOT_STATE_DIR: '~/state' }, '/home/ada/state'],
    ['treats an empty MOLTBOT_STATE_DIR as unset', { MOLTBOT_STATE_DIR: '', CLAWDBOT_STATE_DIR: '/var/lib/clawdbot' }, '/var/lib/clawdbot'],
    ['treats empty variables as unset', { MOLTBOT_STATE_DIR: '', CLAWDBOT_STATE_DIR: '' }, '/home/ada/.clawdbot'],
  ])('%s', (_name, env, expected) => {
    expect(resolveStateDir(env, home)).toBe(expected);
  });

  it('resolves a relative value against the working directory', () => {
    expect(resolveStateDir({ MOLTBOT_STATE_DIR: 'state' }, home)).toBe(path.resolve('state'));
  });
});

describe('expandHome', () => {
  it.each([
    ['~', '/home/ada'],
    ['~/clawd', '/home/ada/clawd'],
    ['~/.clawdbot/backups', '/home/ada/.clawdbot/backups'],
    ['/srv/clawd', '/srv/clawd'],
    ['clawd', 'clawd'],
    ['~bob/clawd', '~bob/clawd'],
    ['a/~/b', 'a/~/b'],
  ])('%s → %s', (input, expected) => {
    expect(expandHome(input, home)).toBe(expected);
  });
});
