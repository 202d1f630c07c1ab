/** Exec approval patterns: a program name, then one glob per argument, `**` for any rest. */
import { describe, expect, it } from 'vitest';
import { execCommand, exactRule, matchesExecRule, parseExecPattern } from '../../../plugins/tool-policy/exec-rules.ts';

const call = (command: string, ...args: string[]) => ({ command, args });

describe('exec approval patterns', () => {
  it.each([
    ['git status', call('git', 'status'), true],
    ['git status', call('git', 'status', '-s'), false],
    ['git status', call('git'), false],
    ['git status **', call('git', 'status', '-s', '--porcelain'), true],
    ['git status **', call('git', 'status'), true],
    ['git **', call('git', 'push', '--force'), true],
    ['git', call('git', 'log'), false],
    ['git', call('git'), true],
    ['ls *', call('ls', '-la'), true],
    ['ls *', call('ls', '-la', '/'), false],
    ['ls -*', call('ls', 'foo'), false],
    ['cat *.md', call('cat', 'README.md'), true],
    ['cat *.md', call('cat', 'README.txt'), false],
    ['cat ?.md', call('cat', 'a.md'), true],
    ['rm **', call('rmdir', 'x'), false],
    // Glob characters of a regex never leak through.
    ['cat a.b', call('cat', 'axb'), false],
  ])('%s matches %j: %s', (pattern, command, expected) => {
    expect(matchesExecRule(parseExecPattern(pattern), command)).toBe(expected);
  });

  it('an exact rule matches only the same argv, globs taken literally', () => {
    const rule = exactRule(call('echo', '*', 'a b'));
    expect(matchesExecRule(rule, call('echo', '*', 'a b'))).toBe(true);
    expect(matchesExecRule(rule, call('echo', 'x', 'a b'))).toBe(false);
    expect(matchesExecRule(rule, call('echo', '*', 'a', 'b'))).toBe(false);
  });

  it('refuses patterns that cannot mean anything, saying why', () => {
    expect(() => parseExecPattern('')).toThrow('empty pattern: write the program name first, e.g. "git status **"');
    expect(() => parseExecPattern('git ** status')).toThrow('"**" may only be the last token');
    expect(() => parseExecPattern('/usr/bin/git')).toThrow('a bare program name');
  });

  it('reads the exec tool\'s arguments, and nothing else', () => {
    expect(execCommand({ command: 'ls', args: ['-l'] })).toEqual({ command: 'ls', args: ['-l'] });
    expect(execCommand({ command: 'ls' })).toEqual({ command: 'ls', args: [] });
    expect(execCommand({ args: ['x'] })).toBeUndefined();
    expect(execCommand({ command: 'ls', args: [1] })).toBeUndefined();
  });
});
