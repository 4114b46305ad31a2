/** A message that a tenant's registry row changed (or, with `all`, that anything may have). */
export type InvalidationMessage = { readonly tenant: string; readonly all?: false } | { readonly all: true };

/** Spreads invalidations between processes (Redis pub/sub on Node); every method must be safe to fail. */
export interface InvalidationBus {
  publish(message: InvalidationMessage): Promise<void>;
  subscribe(listener: (message: InvalidationMessage) => void): void;
  close(): Promise<void>;
}
