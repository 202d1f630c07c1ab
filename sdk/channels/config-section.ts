/**
 * Checks a `channels.<id>` section against the channel plugin's schema, with errors naming
 * `channels.<id>.<key>` (MOLT_ERR_CONFIG_INVALID, exit 78). Returns a copy with the schema's
 * defaults filled in (the root config itself is frozen).
 */
import { MoltbotError } from '../core/index.ts';
import { validateWith, type Validator } from '../core/index.ts';

export function checkChannelSection(validator: Validator, section: unknown, channel: string, plugin: string): Record<string, unknown> {
  const copy = structuredClone(section ?? {}) as Record<string, unknown>;
  const basePath = `channels.${channel}`;
  const checked = validateWith(validator, copy, `Invalid ${basePath}`, basePath);
  if (!checked.ok) throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message: checked.message, path: checked.issues[0]?.path ?? basePath, plugin });
  return copy;
}
