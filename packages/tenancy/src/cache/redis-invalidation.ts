import { Redis } from 'ioredis';
import { type TenancyLogger, describeError, silentLogger } from '../logger.js';
import type { InvalidationBus, InvalidationMessage } from './invalidation.js';

export const DEFAULT_INVALIDATION_CHANNEL = 'tenantry:invalidate';

export interface RedisInvalidationConfig {
  readonly url: string;
  readonly channel?: string;
  readonly logger?: TenancyLogger;
  /** Only publish (a CLI keeps no cache worth invalidating): subscribe() does nothing. */
  readonly publishOnly?: boolean;
}

/** How long a publish waits for the first connection before it gives up. */
export const REDIS_READY_TIMEOUT_MS = 2_000;

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
  readonly #publishOnly: boolean;
  #lastErrorLog = 0;

  constructor(config: RedisInvalidationConfig) {
    this.#url = config.url;
    this.#channel = config.channel ?? DEFAULT_INVALIDATION_CHANNEL;
    this.#logger = config.logger ?? silentLogger;
    this.#publishOnly = config.publishOnly ?? false;
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
      // A publish-only bus reports failures through publish(); a long-lived one says it here,
      // once every 30 s, since ioredis emits an error per retry.
      if (this.#publishOnly) return;
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
    await this.#ready();
    await this.#pub.publish(this.#channel, JSON.stringify(message));
  }

  /**
   * Waits for the first connection (a CLI publishes moments after it starts), but fails at once
   * when Redis is already known to be down: the caller logs it and the cache TTL takes over.
   */
  async #ready(): Promise<void> {
    const client = this.#pub;
    if (client.status === 'ready') return;
    if (client.status !== 'connecting' && client.status !== 'connect') throw new Error(`redis is ${client.status}`);
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => done();
      const onClose = () => done(new Error('redis connection closed'));
      const timer = setTimeout(() => done(new Error('redis did not become ready in time')), REDIS_READY_TIMEOUT_MS);
      client.once('ready', onReady);
      client.once('close', onClose);
    });
  }

  subscribe(listener: (message: InvalidationMessage) => void): void {
    if (this.#publishOnly) return;
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

  /** Lets replies to sent publishes arrive (quit), then closes both connections. */
  async close(): Promise<void> {
    await Promise.allSettled(
      [this.#pub, this.#sub].map(async (client) => {
        if (client?.status === 'ready') await client.quit();
        else client?.disconnect();
      }),
    );
  }
}
