import { type Level, levelFromSyslogSeverity } from '../record/level.ts';

/** What a syslog line says, ready for `normalizeRecord`. */
export interface SyslogFields {
  timestamp?: number;
  level: Level;
  service?: string;
  message: string;
  attributes: Record<string, unknown>;
}

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

const PRI = /^<(\d{1,3})>/;
const RFC5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) ?/;
const RFC3164 =
  /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (?:(\S+) )?([^\s:[\]]+)(?:\[([^\]]*)\])?: ?/;

const nil = (v: string | undefined): string | undefined => (v === undefined || v === '-' ? undefined : v);

/**
 * Parses RFC 5424 structured data (`[id k="v" …][id2 …]`) at `start`; returns the elements and where the
 * message begins, or undefined when it is not well formed (the caller then keeps the text as the message).
 */
function parseStructuredData(
  line: string,
  start: number,
): { data: Record<string, Record<string, string>>; end: number } | undefined {
  const data: Record<string, Record<string, string>> = {};
  let i = start;
  while (line[i] === '[') {
    const idEnd = line.slice(i + 1).search(/[ \]]/);
    if (idEnd <= 0) return undefined;
    const id = line.slice(i + 1, i + 1 + idEnd);
    const params: Record<string, string> = {};
    i = i + 1 + idEnd;
    while (line[i] === ' ') {
      const eq = line.indexOf('="', i);
      if (eq === -1) return undefined;
      const name = line.slice(i + 1, eq);
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        // RFC 5424 §6.3.3: only ", \ and ] are escaped inside PARAM-VALUE.
        if (line[j] === '\\' && j + 1 < line.length && '"\\]'.includes(line[j + 1]!)) j++;
        value += line[j];
      }
      if (j >= line.length) return undefined;
      params[name] = value;
      i = j + 1;
    }
    if (line[i] !== ']') return undefined;
    data[id] = params;
    i++;
  }
  return { data, end: i };
}

/** 3164 timestamps carry no year: take the receive year, or the previous one if that lands in the future. */
function yearlessTimestamp(m: RegExpExecArray, receivedAt: number): number | undefined {
  const month = MONTHS[m[1]!];
  if (month === undefined) return undefined;
  const year = new Date(receivedAt).getUTCFullYear();
  const at = (y: number) => Date.UTC(y, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  const t = at(year);
  return t > receivedAt + 86_400_000 ? at(year - 1) : t;
}

/**
 * RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`) or RFC 3164 (`<PRI>Mmm dd hh:mm:ss host tag: msg`).
 * Level comes from the PRI severity, service from APP-NAME or the tag. Undefined when the line has no PRI.
 */
export function parseSyslog(line: string, receivedAt: number): SyslogFields | undefined {
  const pri = PRI.exec(line);
  if (!pri) return undefined;
  const value = Number(pri[1]);
  if (value > 191) return undefined;
  const facility = value >> 3;
  const level = levelFromSyslogSeverity(value & 7);
  const rest = line.slice(pri[0].length);
  const attributes: Record<string, unknown> = { facility };

  const m5424 = RFC5424.exec(rest);
  if (m5424) {
    const [, , ts, host, app, procid, msgid] = m5424;
    let i = m5424[0].length;
    let message = '';
    if (rest[i] === '-') {
      i += 1;
    } else if (rest[i] === '[') {
      const sd = parseStructuredData(rest, i);
      if (sd) {
        attributes['structuredData'] = sd.data;
        i = sd.end;
      }
    }
    message = rest.slice(rest[i] === ' ' ? i + 1 : i);
    if (message.startsWith('\uFEFF')) message = message.slice(1);
    const time = nil(ts) === undefined ? undefined : Date.parse(ts!);
    if (nil(host)) attributes['host'] = host;
    if (nil(procid)) attributes['procid'] = procid;
    if (nil(msgid)) attributes['msgid'] = msgid;
    return {
      ...(time !== undefined && !Number.isNaN(time) && { timestamp: time }),
      level,
      ...(nil(app) && { service: app }),
      message,
      attributes,
    };
  }

  const m3164 = RFC3164.exec(rest);
  if (m3164) {
    const time = yearlessTimestamp(m3164, receivedAt);
    if (m3164[6]) attributes['host'] = m3164[6];
    if (m3164[8]) attributes['procid'] = m3164[8];
    return {
      ...(time !== undefined && { timestamp: time }),
      level,
      service: m3164[7]!,
      message: rest.slice(m3164[0].length),
      attributes,
    };
  }
  return { level, message: rest, attributes };
}
