/** IANA time zones, for options that name one (cron's `tz`, the usage plugin's `timezone`). */

/** Whether `zone` is an IANA zone this Node knows (e.g. "Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The machine's zone. */
export const machineTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
