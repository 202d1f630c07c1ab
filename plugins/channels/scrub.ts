/**
 * Error texts that leave the process (`lastError` in RPC `channels.status`, doctor reports)
 * pass through the log redactor's pattern pass, with the config's secrets as literal values:
 * the root schema's secret fields plus any secret-looking key of a channel section (a platform
 * library may put its token in an error message, e.g. inside a request URL).
 */
import rootSchema from '../../schemas/moltbot.config.json' with { type: 'json' };
import { createRedactor } from '../../core/redact.ts';
import { collectSecretValues, looksSecretKey } from '../../core/validate/index.ts';

export function createScrubber(config: () => Readonly<Record<string, any>>): (text: string) => string {
  const values = (): string[] => {
    const found = collectSecretValues(config(), rootSchema);
    for (const section of Object.values<Record<string, unknown>>(config()['channels'] ?? {})) {
      for (const [key, value] of Object.entries(section ?? {})) if (typeof value === 'string' && looksSecretKey(key)) found.push(value);
    }
    return found;
  };
  const redactor = createRedactor({ values });
  return (text) => redactor.scrubText(text);
}
