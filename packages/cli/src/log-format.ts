/**
 * A readable rendering of pino's JSON lines for people watching a terminal:
 * `20:55:01.123 INFO  serving url=http://127.0.0.1:8080`. Pipes and files keep the JSON.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname']);

/** Formats one JSON log line; returns the input unchanged when it is not JSON. */
export function formatLogLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof rec.time === 'string' ? rec.time.slice(11, 23) : '';
  const level = LEVELS[Number(rec.level)] ?? String(rec.level);
  const fields = Object.entries(rec)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => (k === 'err' && typeof v === 'object' && v && 'stack' in v ? `\n${String((v as { stack: unknown }).stack)}` : `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`));
  return `${time} ${level} ${String(rec.msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}\n`;
}

/** A pino destination that writes formatted lines to `out`. */
export function createPrettyStream(out: { write(s: string): unknown }): { write(s: string): void } {
  return { write: (s) => void out.write(s.split('\n').filter(Boolean).map(formatLogLine).join('')) };
}
