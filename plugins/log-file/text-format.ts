/** pino JSON line → one readable line: `2026-11-23T21:00:00.000Z INFO  [plugin] message key=value`. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'msg', 'plugin', 'pid', 'hostname']);

export function toText(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.replace(/\n$/, '');
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : '';
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const plugin = typeof record.plugin === 'string' ? ` [${record.plugin}]` : '';
  const extra = Object.entries(record)
    .filter(([key]) => !SKIP.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [`${time} ${level}${plugin}`, record.msg ?? '', ...extra].filter((part) => part !== '').join(' ');
}
