#!/usr/bin/env node
// The `tenantry` entry: the only place that exits the process.
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
// Let stdout drain before exiting (a pipe to a slow reader may still hold the JSON).
await new Promise<void>((done) => process.stdout.write('', () => done()));
process.exit(code);
