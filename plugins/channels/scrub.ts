/**
 * Error texts that leave the process (`lastError` in RPC `channels.status`, doctor reports)
 * pass through the log redactor's pattern pass, with the config's secrets as literal values:
 * every field the root schema or a loaded plugin's schema marks secret, plus any secret-looking key of a channel section (a platform
 * library may put its token in an error message, e.g. inside a request URL).
 */
import { createRedactor } from '../../sdk/core/index.ts';
import { looksSecretKey, type ConfigSecrets } from '../../sdk/core/index.ts';

export function createScrubber(config: () => Readonly<Record<string, any>>, secrets: () => ConfigSecrets): (text: string) => string {
  const values = (): string[] => {
    const found = secrets().values(config());
    for (const section of Object.values<Record<string, unknown>>(config()['channels'] ?? {})) {
      for (const [key, value] of Object.entries(section ?? {})) if (typeof value === 'string' && looksSecretKey(key)) found.push(value);
    }
    return found;
  };
  const redactor = createRedactor({ values });
  return (text) => redactor.scrubText(text);
}
