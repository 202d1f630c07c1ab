/** `channels.<id>` from the root config → `ChannelSettings`: the common policy keys with their defaults, then the platform's own keys. */
import type { ChannelSettings } from './contract.ts';

/** The keys every channel shares (validated by the root schema; the rest belongs to the channel plugin). */
export const COMMON_KEYS: readonly string[] = Object.freeze([
  'enabled', 'dmPolicy', 'allowFrom', 'groupPolicy', 'groupAllowFrom', 'requireMention', 'owners', 'ownerSession', 'queueSize',
]);

export const DEFAULT_QUEUE_SIZE = 100;

export const DEFAULT_SETTINGS = Object.freeze({
  enabled: true,
  dmPolicy: 'pairing',
  allowFrom: Object.freeze([]),
  groupPolicy: 'allowlist',
  groupAllowFrom: Object.freeze([]),
  requireMention: true,
  owners: Object.freeze([]),
  ownerSession: 'main',
  queueSize: DEFAULT_QUEUE_SIZE,
}) satisfies ChannelSettings;

/** The section of `channels.<id>` (absent: all defaults). */
export function channelSection(config: Readonly<Record<string, any>>, id: string): Readonly<Record<string, unknown>> {
  const channels = config['channels'] as Record<string, Record<string, unknown>> | undefined;
  return channels !== undefined && Object.hasOwn(channels, id) ? channels[id]! : {};
}

export function resolveChannelSettings(config: Readonly<Record<string, any>>, id: string): ChannelSettings {
  return Object.freeze({ ...DEFAULT_SETTINGS, ...channelSection(config, id) }) as ChannelSettings;
}

/** The platform's own keys of a section: what a channel plugin receives as its options. */
export function platformOptions(section: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([key]) => !COMMON_KEYS.includes(key)));
}

export function queueSizeOf(settings: ChannelSettings): number {
  const size = settings['queueSize'];
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : DEFAULT_QUEUE_SIZE;
}
