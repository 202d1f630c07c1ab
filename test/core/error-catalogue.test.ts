import { describe, expect, it } from 'vitest';
import { defineErrors, errorCatalogue, isMoltbotError, MoltbotError } from '../../app/index.ts';

describe('open error catalogue', () => {
  it('a plugin defines its own codes, with title, fix and exit code, and throws them', () => {
    const errors = defineErrors('acme-quota', {
      ACME_ERR_QUOTA: { title: 'Quota used up', fix: 'Raise acme.quota or wait for the next day.', exitCode: 75 },
    });
    const error = new MoltbotError(errors.ACME_ERR_QUOTA, { plugin: 'acme-quota' });
    expect(error.message).toBe('Quota used up');
    expect(error.fix).toBe('Raise acme.quota or wait for the next day.');
    expect(error.exitCode).toBe(75);
    expect(isMoltbotError(error, errors.ACME_ERR_QUOTA)).toBe(true);
    expect(errorCatalogue().find((entry) => entry.code === 'ACME_ERR_QUOTA')).toMatchObject({ owner: 'acme-quota', title: 'Quota used up' });
  });

  it('is recognised across copies of the package by its brand, not its class or prefix', () => {
    const errors = defineErrors('acme-copy', { ACME_ERR_COPY: { title: 'Copied', fix: 'None.' } });
    const original = new MoltbotError(errors.ACME_ERR_COPY);
    const foreign = Object.assign(new Error('x'), { code: 'ACME_ERR_COPY' });
    expect(isMoltbotError(original)).toBe(true);
    expect(isMoltbotError(foreign)).toBe(false);
  });

  it('refuses a code in the wrong shape, or one another owner holds; re-defining identically is fine', () => {
    expect(() => defineErrors('acme', { 'acme-bad': { title: 't', fix: 'f' } })).toThrow(/UPPER_SNAKE_CASE/);
    expect(() => defineErrors('thief', { MOLT_ERR_CONFIG_INVALID: { title: 't', fix: 'f' } })).toThrow(/already defined by "kernel"/);
    const spec = { ACME_ERR_TWICE: { title: 'Twice', fix: 'Once.' } };
    defineErrors('acme-twice', spec);
    expect(() => defineErrors('acme-twice', spec)).not.toThrow();
  });

  it('an unregistered code still yields a readable error that says how to register it', () => {
    const error = new MoltbotError('ACME_ERR_NOWHERE' as never);
    expect(error.message).toBe('Unregistered error code ACME_ERR_NOWHERE');
    expect(error.fix).toContain('defineErrors()');
  });
});
