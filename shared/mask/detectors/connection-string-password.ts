import type { Detector } from '../detector.ts';

const HINT = /pwd|password/i;
/** Other keys of ADO.NET, ODBC, JDBC and libpq connection strings: the text is a connection string. */
const CONNECTION =
  /jdbc:|odbc|(?:server|data source|host|hostname|uid|user id|username|user|database|initial catalog|dbname|port|provider|driver)\s*=/i;

/**
 * Passwords in connection strings: ADO.NET/ODBC `Password=…;` and `Pwd=…;` (quoted `"…"`/`'…'` or ODBC-braced
 * `{…}` values included), JDBC `;password=…` and `?password=…&`, libpq `password=… host=…`. The key must sit in a
 * connection string (another connection-string key is present, or a `;` precedes it). Only the value is masked.
 */
export const connectionStringPassword: Detector = {
  name: 'connectionStringPassword',
  minLength: 5,
  pattern:
    /(?:^|[;?&\s"'{(])(?:password|pwd)[ \t]*=[ \t]*("(?:[^"]|"")*"|'(?:[^']|'')*'|\{(?:[^}]|\}\})*\}|[^;&\s"'<>{][^;&\s"'<>]*)/gi,
  worthScanning: (text) => HINT.test(text),
  validate(m, text) {
    const value = m[1]!;
    const end = m.index + m[0].length;
    if (text.charCodeAt(m.index) !== 59 /* ; */ && !CONNECTION.test(text)) return undefined;
    return { start: end - value.length, end };
  },
};
