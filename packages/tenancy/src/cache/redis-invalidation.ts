import { Redis } from 'ioredis';
import { type TenancyLogger, describeError, silentLogger } from '../logger.js';
import type { InvalidationBus, InvalidationMessage } from './invalidation.js';

export const DEFAULT_INVALIDATION_CHANNEL = 'tenantry:invalidate';

export interface RedisInvalidationConfig {
  readonly url: string;
  readonly channel?: string;
  readonly logger?: TenancyLogger;
}

/**
 * Cache invalidation over Redis pub/sub. Redis is an accelerator, never a dependency: when it
 * is down, publishing fails fast and is logged, and every instance falls back to the cache TTL.
 * After a reconnect the subscriber asks for a full clear, since messages sent meanwhile are lost.
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly #channel: string;
  readonly #logger: TenancyLogger;
  readonly #pub: Redis;
  #sub: Redis | undefined;
  readonly #url: string;
  #lastErrorLog = 0;

  constructor(config: RedisInvalidationConfig) {
    this.#url = config.url;
    this.#channel = config.channel ?? DEFAULT_INVALIDATION_CHANNEL;
    this.#logger = config.logger ?? silentLogger;
    this.#pub = this.#connect('publisher');
  }

  #connect(role: string): Redis {
    const client = new Redis(this.#url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
    });
    client.on('error', (error) => {
      // ioredis emits an error per retry; one line every 30 s is enough to tell an operator.
      const now = Date.now();
      if (now - this.#lastErrorLog < 30_000) return;
      this.#lastErrorLog = now;
      this.#logger.warn(`redis ${role} unavailable; tenant changes reach this instance within the cache TTL`, {
        error: describeError(error),
      });
    });
    return client;
  }

  async publish(message: InvalidationMessage): Promise<void> {
    await this.#pub.publish(this.#channel, JSON.stringify(message));
  }

  subscribe(listener: (message: InvalidationMessage) => void): void {
    if (this.#sub) throw new Error('RedisInvalidationBus supports one subscriber');
    const sub = this.#connect('subscriber');
    this.#sub = sub;
    let connectedBefore = false;
    sub.on('ready', () => {
      sub.subscribe(this.#channel).catch((error: unknown) =>
        this.#logger.warn('redis subscribe failed', { error: describeError(error) }),
      );
      if (connectedBefore) listener({ all: true });
      connectedBefore = true;
    });
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.#channel) return;
      try {
        const message = JSON.parse(text) as InvalidationMessage;
        if (message.all === true || typeof (message as { tenant?: unknown }).tenant === 'string') listener(message);
      } catch {
        this.#logger.warn('ignored a malformed invalidation message');
      }
    });
  }

  async close(): Promise<void> {
    for (const client of [this.#pub, this.#sub]) client?.disconnect();
  }
}
