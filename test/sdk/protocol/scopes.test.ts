import { describe, expect, it } from 'vitest';
import { allows, impliedScopes, isScope, narrowScopes, scopeRank } from '../../../sdk/protocol/scopes.ts';

describe('scopes', () => {
  it('admin includes write includes read', () => {
    const admin = scopeRank(['admin']);
    expect([allows(admin, 'read'), allows(admin, 'write'), allows(admin, 'admin')]).toEqual([true, true, true]);
    const read = scopeRank(['read']);
    expect([allows(read, 'read'), allows(read, 'write'), allows(read, 'admin')]).toEqual([true, false, false]);
    expect(impliedScopes(scopeRank(['write']))).toEqual(['read', 'write']);
    expect(allows(scopeRank([]), 'read')).toBe(false);
  });

  it('AU-13: a client can narrow but never widen', () => {
    expect(narrowScopes(scopeRank(['read']), ['admin'])).toBe(scopeRank(['read']));
    expect(narrowScopes(scopeRank(['admin']), ['read'])).toBe(scopeRank(['read']));
    expect(narrowScopes(scopeRank(['write']), undefined)).toBe(scopeRank(['write']));
    expect([isScope('admin'), isScope('operator.admin'), isScope(undefined)]).toEqual([true, false, false]);
  });
});
