/** Number and time formatting shared by the pages. */
export const percent = (share: number | undefined) => (share === undefined || !Number.isFinite(share) ? '–' : `${(share * 100).toFixed(1)} %`);

export function bytes(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s % 60}s`;
}

export const time = (at: number | string | undefined) => (at === undefined ? '–' : new Date(at).toLocaleString());

export const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);
