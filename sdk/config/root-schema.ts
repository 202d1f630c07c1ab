/**
 * The root config schema as a typed value: re-exported from a module (not straight from the
 * JSON file) so the emitted declarations hold a plain type, not a JSON import a consumer's
 * compiler settings might refuse.
 */
import schema from '../../schemas/moltbot.config.json' with { type: 'json' };

export const ROOT_CONFIG_SCHEMA: Readonly<Record<string, unknown>> = schema;
