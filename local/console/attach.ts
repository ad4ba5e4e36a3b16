import { updateLocalState } from '../../shared/local/state.ts';
import type { LocalStack } from '../stack.ts';
import { startConsole } from './console.ts';
import { DEFAULT_CONSOLE_PORT } from './server.ts';

/** `npm start` options of the console (parseArgs). */
export const CONSOLE_OPTIONS = {
  'console-port': { type: 'string', default: String(DEFAULT_CONSOLE_PORT) },
  'no-console': { type: 'boolean', default: false },
} as const;

export const CONSOLE_USAGE = `  --console-port N: the web console's port (default ${DEFAULT_CONSOLE_PORT}, 0 = a free one); --no-console: none.\n`;

export interface AttachedConsole {
  /** The line `npm start` prints beside the ingest URL. */
  line: string;
  close(): Promise<void>;
}

/**
 * Starts the console over `stack` and records its URL as `consoleUrl` in the state file. A console that cannot
 * start (its port taken) is reported and left out: the pipeline itself runs on.
 */
export async function attachConsole(
  stack: LocalStack,
  o: { port: string; statePath: string; log: (line: string) => void },
): Promise<AttachedConsole | undefined> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`--console-port must be a port number (0 = a free one), got "${o.port}"`);
  }
  try {
    const web = await startConsole(stack, { port, log: o.log });
    stack.state.consoleUrl = web.url;
    updateLocalState(o.statePath, { consoleUrl: web.url });
    return {
      line: `  console     ${web.url}   (live view and rule playground; loopback only)`,
      close: () => web.close(),
    };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'EADDRINUSE') throw err;
    o.log(
      `console: port ${port} is in use, so no console this time (pass --console-port N, or 0 for a free one)`,
    );
    return undefined;
  }
}
