/** One finished request, as the metrics see it. `route` is the route pattern, never the raw path. */
export interface RequestObservation {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

/**
 * What the app needs from a metrics library. Passed in by the runtime, so the app's import graph
 * holds no metrics library (the Node runtime supplies prom-client).
 */
export interface AppMetrics {
  observeRequest(observation: RequestObservation): void;
  /** The exposition text and its content type. */
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
}
