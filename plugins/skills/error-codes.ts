/** The error codes the skills plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const skillErrors = defineErrors('skills', {
  MOLT_ERR_SKILL_NOT_FOUND: {
    title: 'Skill not available',
    fix: 'Use a skill listed under "Skills" in the instructions; `moltbot skills list` shows every skill and why one is unavailable.',
  },
});
