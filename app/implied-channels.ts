/**
 * Config alone enables a channel: each `channels.<id>` section with `enabled !== false` implies
 * the plugin `channel-<id>`, with the section's platform keys (all but the common ones) as its
 * options, so its errors name `channels.<id>.<key>`. A section whose plugin is listed in
 * `plugins` (a third-party channel) is left to that entry. The `channels` plugin comes along
 * when any channel is implied. The kernel calls this through its
 * `impliedPlugins` option (core/kernel-types.ts); it knows nothing about channels itself.
 */
import { MoltbotError } from '../sdk/core/index.ts';
import type { ImpliedPlugin } from '../sdk/core/index.ts';
import type { PluginCatalogue } from '../sdk/core/index.ts';
// The settings module alone, not the channels SDK entry: the CLI reads this before any plugin loads.
import { platformOptions } from '../sdk/channels/settings.ts';
import { channelErrors } from '../plugins/channels/errors.ts';

export function channelPlugins(catalogue: PluginCatalogue) {
  return (config: Readonly<Record<string, any>>, declared: ReadonlySet<string>): ImpliedPlugin[] => {
    const sections = (config['channels'] ?? {}) as Record<string, Record<string, unknown>>;
    const implied: ImpliedPlugin[] = [];
    for (const [id, section] of Object.entries(sections)) {
      const name = `channel-${id}`;
      if (section?.['enabled'] === false || declared.has(name)) continue;
      if (!Object.hasOwn(catalogue, name)) {
        const known = Object.keys(catalogue).filter((plugin) => plugin.startsWith('channel-')).map((plugin) => plugin.slice('channel-'.length));
        throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_UNKNOWN, {
          message: `Invalid config: channels.${id} names no channel plugin (there is no plugin "${name}")`,
          path: `channels.${id}`,
          fix: `Known channels: ${known.join(', ') || '(none)'}. For a third-party channel, install it and list "${name}" (or its package) in \`plugins\`; otherwise fix the id or remove channels.${id}.`,
        });
      }
      implied.push({ entry: [name, platformOptions(section ?? {})], optionsPath: `channels.${id}` });
    }
    // Channel plugins need the runtime: embedded without the preset, it comes with them.
    if (implied.length > 0 && !declared.has('channels') && Object.hasOwn(catalogue, 'channels')) implied.unshift({ entry: 'channels', optionsPath: 'channels' });
    return implied;
  };
}
