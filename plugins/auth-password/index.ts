/**
 * `auth-password`: accepts `auth: { password }` at the gateway handshake (and `Authorization:
 * Bearer` on HTTP) when gateway.auth.mode is "password". The password is gateway.auth.password
 * or CLAWDBOT_GATEWAY_PASSWORD / MOLTBOT_GATEWAY_PASSWORD, re-read on every handshake, so a
 * rotated password works at once and the old one stops working.
 */
import schema from '../../schemas/plugins/auth-password.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/auth-password.validate.ts';
import type { Scope } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { safeEqualSecret, pollRotation, watchRotation, secretSourceFor, type GatewaySecrets } from '../../sdk/gateway/index.ts';

export interface AuthPasswordOptions {
  scopes: Scope[];
  rotationCheckMs: number;
}

/** Shorter passwords draw a warning at start and after each rotation. */
export const MIN_PASSWORD_LENGTH = 12;

export default definePlugin<AuthPasswordOptions>({
  name: 'auth-password',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Gateway password authentication (gateway.auth.mode "password")',
  schema,
  validate: validateOptions,
  defaults: { scopes: ['read', 'write', 'admin'], rotationCheckMs: 5_000 },
  setup(ctx, options) {
    const secrets = secretSourceFor(ctx);
    const scopes = Object.freeze([...options.scopes]);
    // The password last checked (the server's own value): a new one after rotation is checked again.
    let checked: string | undefined;

    const warnIfWeak = (password: string | undefined) => {
      if (password === checked) return;
      checked = password;
      if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
        ctx.log.warn({ minLength: MIN_PASSWORD_LENGTH }, `gateway.auth.password is shorter than ${MIN_PASSWORD_LENGTH} characters; use a long random password or switch to a token`);
      }
    };

    const rotation = watchRotation(ctx, 'password');
    const observe = (current: GatewaySecrets) => {
      const password = current.mode === 'password' ? current.password : undefined;
      rotation.observe(password);
      warnIfWeak(password);
    };

    ctx.hooks.start.tapPromise(ctx.name, async () => {
      observe(await secrets.current());
      pollRotation(ctx, options.rotationCheckMs, async () => observe(await secrets.current()), 'gateway password');
    });

    ctx.hooks.authenticate.tapPromise(ctx.name, async (request) => {
      const presented = request.credential.password;
      if (presented === undefined) return undefined;
      const current = await secrets.current();
      observe(current);
      if (current.mode !== 'password' || current.password === undefined) return undefined;
      if (!safeEqualSecret(presented, current.password)) return { ok: false, reason: 'password mismatch' };
      return { ok: true, scopes: [...scopes], subject: 'password' };
    });
  },
});
