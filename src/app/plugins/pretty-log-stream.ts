/**
 * Development logs a person reads: pino's JSON lines turned into `12:03:04.512 WARN  message
 * key=value`. Used when stdout is a terminal outside production (pino-pretty is not a dependency).
 * It reformats what was logged and adds nothing, so the rules on personal data still hold.
 */
const levels: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\u001b[90m' },
  20: { name: 'DEBUG', color: '\u001b[36m' },
  30: { name: 'INFO ', color: '\u001b[32m' },
  40: { name: 'WARN ', color: '\u001b[33m' },
  50: { name: 'ERROR', color: '\u001b[31m' },
  60: { name: 'FATAL', color: '\u001b[35m' },
};
const reset = '\u001b[0m';
/** pino's own fields, shown in the line's head or not at all. */
const omitted = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

function formatField(value: unknown): string {
  if (typeof value === 'string') return /^[\w./:@-]*$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

export function prettyLogLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = levels[Number(entry.level)] ?? { name: String(entry.level), color: '' };
  const time =
    typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(entry)
    .filter(([name]) => !omitted.has(name))
    .map(([name, value]) => `${name}=${formatField(value)}`)
    .join(' ');
  const head = color ? `${level.color}${level.name}${reset}` : level.name;
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  return `${time} ${head} ${message}${fields ? `  ${fields}` : ''}\n`;
}

export function createPrettyLogStream(target: { write(text: string): unknown; isTTY?: boolean }) {
  const color = target.isTTY === true;
  return {
    write(line: string): void {
      target.write(prettyLogLine(line, color));
    },
  };
}
