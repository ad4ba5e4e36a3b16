import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { attachConsole, CONSOLE_OPTIONS, CONSOLE_USAGE } from './console/attach.ts';
import { DEFAULT_CONFIG_PATH, DEFAULT_PORT, DEFAULT_STATE_DIR, startLocalStack } from './stack.ts';

/** A second signal sooner than this after the first is taken for the same one (see `shutdown`). */
const REPEAT_SIGNAL_MS = 500;

/**
 * `npm start [-- --config F --region R --port P --memory]`: the pipeline on loopback, until Ctrl-C.
 */
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c', default: DEFAULT_CONFIG_PATH },
      region: { type: 'string', short: 'r' },
      port: { type: 'string', short: 'p', default: String(DEFAULT_PORT) },
      memory: { type: 'boolean', default: false },
      'state-dir': { type: 'string', default: DEFAULT_STATE_DIR },
      ...CONSOLE_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm start -- [--config FILE] [--region NAME] [--port N] [--memory] [--state-dir DIR]\n' +
        `  Defaults: ${DEFAULT_CONFIG_PATH}, the config's first region, port ${DEFAULT_PORT}, data under ${DEFAULT_STATE_DIR}/data.\n` +
        CONSOLE_USAGE,
    );
    return;
  }
  const started = Date.now();
  const stack = await startLocalStack({
    configPath: values.config,
    ...(values.region && { region: values.region }),
    port: Number(values.port),
    memory: values.memory,
    stateDir: values['state-dir'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const s = stack.state;
  const absState = resolve(values['state-dir'], 'local.json');
  const statePath = relative(process.cwd(), absState).startsWith('..')
    ? absState
    : relative(process.cwd(), absState);
  const web = values['no-console']
    ? undefined
    : await attachConsole(stack, {
        port: values['console-port'],
        statePath: absState,
        log: (line) => process.stderr.write(`${line}\n`),
      });
  process.stdout.write(
    [
      `sluice local stack up in ${Date.now() - started} ms: region ${s.region} (${s.awsRegion}), tenant ${s.tenant}, ` +
        `config ${relative(process.cwd(), s.configPath)}${values.memory ? ', in memory' : `, data in ${values['state-dir']}/data`}`,
      `  ingest URL  ${s.ingestUrl}   (OTLP ${s.ingestUrl}/v1/logs, HEC /services/collector, ES /_bulk, NDJSON /ingest)`,
      `  API key     ${s.apiKey}`,
      ...(web ? [web.line] : []),
      `  bucket      ${s.bucket}   table ${s.table}   stream ${s.stream} (${stack.resources.shards} shards)`,
      '',
      '  try:',
      `    curl -s -H 'Authorization: Bearer ${s.apiKey}' -H 'Content-Type: application/x-ndjson' \\`,
      `      --data-binary '{"service":"web","level":"info","message":"login ok for ada@example.com from 10.1.2.3"}' \\`,
      `      ${s.ingestUrl}/ingest`,
      '    npx sluice tail --follow        # masked records as they land in the bucket',
      '    npm run demo                    # mixed traffic and a summary',
      '',
      `  state in ${statePath}; Ctrl-C stops.`,
      '',
    ].join('\n'),
  );
  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // tsx relays a signal the process got already when it is slow to acknowledge it: a repeat within a moment
      // is that echo, a later one is the user insisting.
      if (Date.now() - stoppingSince < REPEAT_SIGNAL_MS) return;
      process.stderr.write(
        `${signal} again: exiting now; the batches in flight are not checkpointed and will be delivered again\n`,
      );
      // The emulators notice this process is gone and stop on their own.
      process.exit(130);
    }
    stoppingSince = Date.now();
    process.stderr.write(
      `\n${signal}: stopping (finishing the batches in flight; Ctrl-C again to exit at once)...\n`,
    );
    // The console first: its reads must not outlive the emulators.
    (web ? web.close() : Promise.resolve())
      .then(() => stack.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`stop failed: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as Error & { code?: string };
  const hint = e.code === 'EADDRINUSE' ? ' (port in use: pass --port N, or 0 for a free one)' : '';
  process.stderr.write(`npm start: ${e.message}${hint}\n`);
  process.exit(1);
});
