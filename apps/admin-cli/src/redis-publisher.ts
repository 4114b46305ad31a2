import type { InvalidationBus, InvalidationMessage } from '@tenantry/tenancy';
import { DEFAULT_INVALIDATION_CHANNEL } from '@tenantry/tenancy/redis';
import { Redis } from 'ioredis';

/**
 * Publishes tenant invalidations for a short-lived process. The core's RedisInvalidationBus
 * refuses to queue a command before its connection is ready (right for a server, which only
 * publishes long after start); a CLI publishes within milliseconds of starting, so this one
 * connects first, then publishes. It never subscribes: the CLI keeps no cache worth invalidating.
 */
export class RedisPublisher implements InvalidationBus {
  readonly #client: Redis;
  readonly #channel: string;
  #connecting: Promise<void> | undefined;

  constructor(url: string, channel: string = DEFAULT_INVALIDATION_CHANNEL) {
    this.#channel = channel;
    this.#client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 1,
      // One attempt: when Redis is down, each instance falls back to its cache TTL; no need to wait here.
      retryStrategy: () => null,
    });
    // Failures surface through publish(); without a listener ioredis would print them itself.
    this.#client.on('error', () => {});
  }

  async publish(message: InvalidationMessage): Promise<void> {
    this.#connecting ??= this.#client.connect();
    await this.#connecting;
    await this.#client.publish(this.#channel, JSON.stringify(message));
  }

  subscribe(): void {}

  async close(): Promise<void> {
    if (this.#client.status === 'ready') await this.#client.quit().catch(() => this.#client.disconnect());
    else this.#client.disconnect();
  }
}
