/**
 * `auth-token`: accepts `auth: { token }` at the gateway handshake (and `Authorization: Bearer`
 * on HTTP). With gateway.auth.mode "token" the token is gateway.auth.token (or its variables);
 * while the active mode has no secret configured, the generated token in
 * `<stateDir>/credentials/gateway-token` is accepted instead, so a gateway started with no
 * config is usable and still closed to everyone else.
 */
import schema from '../../schemas/plugins/auth-token.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/auth-token.validate.ts';
import type { Scope } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { safeEqualSecret, pollRotation, watchRotation, secretSourceFor, hasConfiguredSecret, type GatewaySecrets, ensureTokenFile, readTokenFile, tokenFilePath, tokenFileStamp } from '../../sdk/gateway/index.ts';

export { ensureTokenFile, tokenFilePath } from '../../sdk/gateway/index.ts';

export interface AuthTokenOptions {
  scopes: Scope[];
  rotationCheckMs: number;
}

/** Below this a configured token draws a warning (the security audit's threshold). */
export const MIN_TOKEN_LENGTH = 24;

export default definePlugin<AuthTokenOptions>({
  name: 'auth-token',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Gateway token authentication (configured token, or a generated one when no secret is configured)',
  schema,
  validate: validateOptions,
  defaults: { scopes: ['read', 'write', 'admin'], rotationCheckMs: 5_000 },
  setup(ctx, options) {
    const secrets = secretSourceFor(ctx);
    const file = tokenFilePath(ctx.paths.stateDir);
    const scopes = Object.freeze([...options.scopes]);
    let cached: { stamp: string; token: string | undefined } | undefined;

    const fileToken = async (): Promise<string | undefined> => {
      const stamp = tokenFileStamp(file);
      if (cached?.stamp !== stamp) cached = { stamp, token: await readTokenFile(file) };
      return cached.token;
    };

    const configuredRotation = watchRotation(ctx, 'token');
    const generatedRotation = watchRotation(ctx, 'token:generated');
    /** The token in force for each subject right now; a change closes the old sessions. */
    const accepted = async (current: GatewaySecrets): Promise<{ configured?: string; generated?: string }> => {
      const configured = current.mode === 'token' ? current.token : undefined;
      const generated = current.mode === 'none' || hasConfiguredSecret(current) ? undefined : await fileToken();
      configuredRotation.observe(configured);
      generatedRotation.observe(generated);
      return { ...(configured !== undefined ? { configured } : {}), ...(generated !== undefined ? { generated } : {}) };
    };

    ctx.hooks.start.tapPromise(ctx.name, async () => {
      const current = await secrets.current();
      if (current.mode === 'token' && current.token !== undefined && current.token.length < MIN_TOKEN_LENGTH) {
        ctx.log.warn({ minLength: MIN_TOKEN_LENGTH }, 'gateway.auth.token is short; use at least 32 random bytes (e.g. `openssl rand -base64 32`)');
      }
      if (current.mode !== 'none' && !hasConfiguredSecret(current)) {
        const result = await ensureTokenFile(ctx.paths.stateDir);
        ctx.log.info(
          { path: result.path, mode: current.mode },
          result.created
            ? `no gateway ${current.mode} is configured: generated a gateway token in ${result.path} (clients send it as auth.token)`
            : `no gateway ${current.mode} is configured: accepting the gateway token stored in ${result.path}`,
        );
      }
      await accepted(current);
      pollRotation(ctx, options.rotationCheckMs, async () => accepted(await secrets.current()), 'gateway token');
    });

    ctx.hooks.authenticate.tapPromise(ctx.name, async (request) => {
      const presented = request.credential.token;
      if (presented === undefined) return undefined;
      const current = await secrets.current();
      if (current.mode === 'none') return undefined;
      const { configured, generated } = await accepted(current);
      const expected = configured ?? generated;
      if (expected === undefined) return undefined;
      if (!safeEqualSecret(presented, expected)) return { ok: false, reason: 'token mismatch' };
      return { ok: true, scopes: [...scopes], subject: configured === undefined ? 'token:generated' : 'token' };
    });
  },
});
