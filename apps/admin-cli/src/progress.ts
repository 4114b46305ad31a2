import { SingleBar } from 'cli-progress';
import { duration } from './format.js';

/** Progress over many tenants: a bar on a terminal, a line now and then in a log. */
export interface Progress {
  /** One tenant done; `failed` counts it among the failures shown. */
  tick(failed?: boolean): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  /** Expected number of tenants; may be an estimate (the registry can change meanwhile). */
  readonly total: number;
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between plain lines when the stream is not a terminal. */
  readonly intervalMs?: number;
}

const silent: Progress = { tick() {}, stop() {} };

/** A progress display for work over `total` tenants; nothing for a single tenant. */
export function createProgress(options: ProgressOptions): Progress {
  if (options.total < 2) return silent;
  return options.stream.isTTY ? barProgress(options) : lineProgress(options);
}

function barProgress({ label, total, stream }: ProgressOptions): Progress {
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} tenants | {failed} failed | {duration_formatted} elapsed | ETA {eta_formatted}`,
    stream,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    barsize: 30,
  });
  let failed = 0;
  let done = 0;
  bar.start(total, 0, { failed });
  return {
    tick(isFailure = false) {
      if (isFailure) failed++;
      done++;
      if (done > bar.getTotal()) bar.setTotal(done);
      bar.increment(1, { failed });
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress({ label, total, stream, intervalMs = 2000 }: ProgressOptions): Progress {
  const started = Date.now();
  let last = started;
  let done = 0;
  let failed = 0;
  const print = () => {
    const elapsed = Date.now() - started;
    const remaining = done > 0 && done < total ? ` | ETA ${duration(Math.round((elapsed / done) * (total - done)))}` : '';
    stream.write(`${label}: ${done}/${Math.max(total, done)} tenants | ${failed} failed | ${duration(elapsed)}${remaining}\n`);
  };
  return {
    tick(isFailure = false) {
      done++;
      if (isFailure) failed++;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        print();
      }
    },
    stop() {
      print();
    },
  };
}
