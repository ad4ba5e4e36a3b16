import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { attachConsole, CONSOLE_OPTIONS, CONSOLE_USAGE } from './console/attach.ts';
import { startMultiRegionStack } from './multi-region.ts';
import { DEFAULT_CONFIG_PATH, DEFAULT_PORT, DEFAULT_STATE_DIR, startLocalStack } from './stack.ts';

/** A second signal sooner than this after the first is taken for the same one (see `shutdown`). */
const REPEAT_SIGNAL_MS = 500;

/**
 * `npm start [-- --config F --region R --port P --memory]`: the pipeline on loopback, until Ctrl-C.
 * `--regions eu,us` (or `all`): one pipeline per residency region, the global table replicating between them.
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
      regions: { type: 'string' },
      'replication-delay-ms': { type: 'string' },
      ...CONSOLE_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm start -- [--config FILE] [--region NAME] [--port N] [--memory] [--state-dir DIR]\n' +
        `  Defaults: ${DEFAULT_CONFIG_PATH}, the config's first region, port ${DEFAULT_PORT}, data under ${DEFAULT_STATE_DIR}/data.\n` +
        'npm start -- --regions eu,us|all [--replication-delay-ms N] [--port N] [--memory] ...\n' +
        '  One pipeline per residency region (ports N, N+1, ...; data under <state-dir>/regions/<name>), the\n' +
        '  global aggregate table replicating between them after ~N ms (default 1000, plus up to 500 ms jitter).\n' +
        CONSOLE_USAGE,
    );
    return;
  }
  const started = Date.now();
  if (values.regions !== undefined) {
    if (values.region) throw new Error('--region and --regions do not go together: pick one');
    const delay = values['replication-delay-ms'];
    const delayMs = delay === undefined ? undefined : Number(delay);
    if (delayMs !== undefined && !(Number.isInteger(delayMs) && delayMs >= 0)) {
      throw new Error(`--replication-delay-ms must be a whole number of ms, got "${delay}"`);
    }
    const multi = await startMultiRegionStack({
      configPath: values.config,
      regions: values.regions.split(','),
      port: Number(values.port),
      memory: values.memory,
      stateDir: values['state-dir'],
      ...(delayMs !== undefined && { replication: { delayMs } }),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const lines = [
      `sluice local stack up in ${Date.now() - started} ms: ${Object.keys(multi.stacks).length} regions, global table ` +
        `${multi.state.table} replicating between them${values.memory ? ', in memory' : ''}`,
    ];
    for (const [name, r] of Object.entries(multi.state.regions ?? {})) {
      lines.push(
        `  ${name.padEnd(4)} ${r.awsRegion.padEnd(14)} ingest ${r.ingestUrl}   tenant ${r.tenant}   key ${r.apiKey}`,
        `       bucket ${r.bucket}   stream ${r.stream}`,
      );
    }
    const [first, second] = Object.keys(multi.state.regions ?? {});
    lines.push(
      '',
      '  try:',
      `    npx sluice send --region ${first} < app.ndjson      # records stay in the ${first} bucket`,
      `    npx sluice query --region ${second ?? first}             # the same totals from every region's replica`,
      `    npx sluice tail --region ${first}`,
      '',
      `  state in ${relative(process.cwd(), resolve(values['state-dir'], 'local.json'))}; Ctrl-C stops every region.`,
      '',
    );
    process.stdout.write(lines.join('\n'));
    onSignals(() => multi.stop());
    return;
  }
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
  // The console first: its reads must not outlive the emulators.
  onSignals(async () => {
    await web?.close();
    await stack.stop();
  });
}

/** Ctrl-C (or SIGTERM) runs `stop` once; a second one a moment later exits at once. */
function onSignals(stop: () => Promise<void>): void {
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
    stop().then(
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
