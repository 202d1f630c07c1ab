/** The DM approval commands: `/approve <id> [always]`, `/deny <id> [never]`. */
import { describe, expect, it } from 'vitest';
import { parseApprovalCommand } from '../../../plugins/tool-policy/approvals-dm.ts';

describe('approval DM commands', () => {
  it.each([
    ['/approve abc', { id: 'abc', answer: 'once' }],
    ['  /APPROVE abc always ', { id: 'abc', answer: 'always' }],
    ['/deny abc', { id: 'abc', answer: 'deny' }],
    ['/deny abc never', { id: 'abc', answer: 'never' }],
    ['/approve', { usage: 'usage: /approve <id> [always]' }],
    ['/approve abc never', { usage: 'usage: /approve <id> [always]' }],
    ['/deny abc always', { usage: 'usage: /deny <id> [never]' }],
    ['please /approve abc', undefined],
    ['/approved abc', undefined],
    ['/approve a b c', undefined],
  ])('%j → %j', (text, expected) => {
    expect(parseApprovalCommand(text)).toEqual(expected);
  });
});
