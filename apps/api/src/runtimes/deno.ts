// The Deno entry: the service on Deno.serve over mysql2 pools (a Deno process lives long, so pools
// are right here, as on Node). Node-only pieces (better-sqlite3, ioredis, prom-client) are left
// out: the registry and tenant servers must be MySQL, and changes arrive within the cache TTL.
import { mysqlRuntime } from '@tenantry/tenancy/mysql';
import { createJsonLogger } from '../logger.js';
import { type Service, createService, prepareRegistry, startupError } from '../service.js';
import { denoEnv, exitWith, serveDeno } from './deno-process.js';

const logger = createJsonLogger((line) => console.log(line));
function fail(error: unknown): never {
  return exitWith(startupError(error));
}

let service: Service;
try {
  service = createService({ env: denoEnv(), runtime: mysqlRuntime({ name: 'deno' }), logger });
} catch (error) {
  fail(error);
}

await prepareRegistry(service).catch(fail);
serveDeno(service, logger);
