// The Deno process around the service: its environment, Deno.serve, and a clean shutdown on
// SIGTERM and SIGINT. Nothing Node-only.
import { describeLocation } from '@tenantry/tenancy';
import type { AppLogger } from '../logger.js';
import type { Service } from '../service.js';

/** The part of the Deno namespace used here (so tsc builds this file without Deno's types). */
declare const Deno: {
  env: { toObject(): Record<string, string> };
  exit(code: number): never;
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  serve(
    options: { port: number; hostname?: string; onListen?: (address: { port: number; hostname: string }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
};

/** The process's environment variables. */
export const denoEnv = (): Record<string, string> => Deno.env.toObject();

/** Prints `tenantry-api: <message>` on stderr and exits 1. */
export function exitWith(message: string): never {
  console.error(`tenantry-api: ${message}`);
  return Deno.exit(1);
}

/** Serves the app with Deno.serve on `http.port`; on a signal, finishes requests in flight and closes the core. */
export function serveDeno({ app, tenancy, settings, http }: Service, logger: AppLogger): void {
  const server = Deno.serve(
    {
      port: http.port,
      onListen: ({ port, hostname }) =>
        logger.info('listening', { port, hostname, runtime: 'deno', registry: describeLocation(settings.registry), identify: http.identify }),
    },
    app.fetch,
  );
  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) Deno.exit(1);
    stopping = true;
    logger.info('shutting down: finishing requests in flight', { signal });
    await server.shutdown();
    await tenancy.destroy();
    logger.info('stopped');
    Deno.exit(0);
  }
  Deno.addSignalListener('SIGTERM', () => void shutdown('SIGTERM'));
  Deno.addSignalListener('SIGINT', () => void shutdown('SIGINT'));
}
