#!/usr/bin/env node
// Launcher: the CLI is TypeScript run through tsx so `npx sluice` works right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

// The SDK's notice that Node 20 is nearing its end of support is for Lambda runtimes (we deploy nodejs22.x), not
// for a CLI run on a workstation: keep stderr for the command's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
