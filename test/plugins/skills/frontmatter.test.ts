/** SKILL.md front matter: the fields the peer uses, and a clear reason for every bad file. */
import { describe, expect, it } from 'vitest';
import { parseSkillFile } from '../../../plugins/skills/frontmatter.ts';
import { unmetRequirements } from '../../../plugins/skills/gating.ts';

describe('parseSkillFile', () => {
  it('reads name, description, requires (top level or metadata.openclaw) and flags', () => {
    const top = parseSkillFile('---\nname: weather\ndescription: Forecasts\nrequires:\n  bins: [curl]\n  env: [WEATHER_KEY]\nos: [linux]\n---\n# Body\n');
    expect(top).toMatchObject({ ok: true, meta: { name: 'weather', description: 'Forecasts', requires: { bins: ['curl'], env: ['WEATHER_KEY'], anyBins: [], config: [] }, os: ['linux'], userInvocable: true, disableModelInvocation: false }, body: '# Body\n' });
    const peer = parseSkillFile('---\nname: gh\ndescription: GitHub\nmetadata: {"openclaw": {"requires": {"bins": ["gh"], "config": ["channels.x"]}}}\ndisable-model-invocation: true\n---\nbody');
    expect(peer).toMatchObject({ ok: true, meta: { requires: { bins: ['gh'], config: ['channels.x'] }, disableModelInvocation: true } });
  });

  it.each([
    ['no front matter', '# Just markdown', /no YAML front matter/],
    ['bad YAML', '---\nname: [unclosed\n---\n', /not valid YAML/],
    ['missing description', '---\nname: x\n---\n', /"description" must be a non-empty string/],
    ['bad name', '---\nname: Has Spaces\ndescription: d\n---\n', /"name" must be lowercase/],
    ['bad requires', '---\nname: x\ndescription: d\nrequires: {bins: 3}\n---\n', /"requires.bins" must be a list of strings/],
    ['unknown requirement', '---\nname: x\ndescription: d\nrequires: {binz: [a]}\n---\n', /"requires.binz" is not a known requirement/],
    ['a list, not a mapping', '---\n- a\n---\n', /must be a YAML mapping/],
  ])('%s → invalid with the reason', (_case, text, reason) => {
    const parsed = parseSkillFile(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });

  it('gates on real PATH lookups, env, config and os', () => {
    const parsed = parseSkillFile('---\nname: x\ndescription: d\nrequires:\n  bins: [sh, moltbot-no-such-binary-7]\n  anyBins: [moltbot-nope-a, sh]\n  env: [SET_VAR, UNSET_VAR]\n  config: [channels.telegram.botToken, gateway.port]\n---\n');
    if (!parsed.ok) throw new Error(parsed.reason);
    const reasons = unmetRequirements(parsed.meta, { env: { PATH: process.env.PATH, SET_VAR: '1' }, config: { gateway: { port: 1 } }, platform: 'linux' });
    expect(reasons).toEqual(['binary "moltbot-no-such-binary-7" not found on PATH', 'environment variable UNSET_VAR is not set', 'config key channels.telegram.botToken is not set']);
    expect(unmetRequirements({ ...parsed.meta, requires: { bins: [], anyBins: [], env: [], config: [] }, os: ['darwin'] }, { env: {}, config: {}, platform: 'linux' })).toEqual(['runs on darwin only (this is linux)']);
  });
});
