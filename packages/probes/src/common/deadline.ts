import { onAbort } from "./abort.ts";
import { ProbeTimeoutError } from "./probe-run.ts";

/**
 * One probe's deadline: aborted when `timeoutMs` elapse (reason: ProbeTimeoutError) or when `parent` (the
 * worker's shutdown signal) aborts (reason: the parent's). One timer, one entry in the parent's fan-out
 * (common/abort.ts), and no AbortController unless a step needs a real AbortSignal (`signal`, e.g. a DNS
 * lookup): a probe of an IP address never makes one. `dispose()` when the probe is over.
 */
export class Deadline {
  aborted = false;
  reason: unknown;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private controller: AbortController | undefined;
  private readonly subscribers = new Set<(reason: unknown) => void>();

  constructor(parent: AbortSignal, timeoutMs: number) {
    if (parent.aborted) {
      this.aborted = true;
      this.reason = parent.reason ?? new Error("aborted");
      return;
    }
    this.timer = setTimeout(() => this.abort(new ProbeTimeoutError(`timeout after ${timeoutMs} ms`)), timeoutMs);
    this.unsubscribe = onAbort(parent, () => this.abort(parent.reason ?? new Error("aborted")));
  }

  /** An AbortSignal following this deadline, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Calls `fn(reason)` once on abort (at once if already aborted); returns the unsubscribe. */
  onAbort(fn: (reason: unknown) => void): () => void {
    if (this.aborted) {
      fn(this.reason);
      return () => {};
    }
    this.subscribers.add(fn);
    return () => {
      this.subscribers.delete(fn);
    };
  }

  /** Settles with `p`, or rejects with the abort reason as soon as the deadline passes. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.aborted) {
      p.catch(() => {});
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const off = this.onAbort(reject);
      p.then(
        (v) => {
          off();
          resolve(v);
        },
        (e) => {
          off();
          reject(e);
        },
      );
    });
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.dispose();
    this.controller?.abort(reason);
    const fns = [...this.subscribers];
    this.subscribers.clear();
    for (const fn of fns) fn(reason);
  }

  /** Stops the timer and leaves the parent's fan-out (the probe is over). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
