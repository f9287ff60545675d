import { getProbeTarget, type ProbeTarget } from "@steward/services";

/**
 * A short-lived cache of monitors for the probe processor: at 10 s intervals a monitor is read at most
 * once per `ttlMs` instead of once per probe. Edits reach the worker within ttlMs.
 */
export class MonitorCache {
  private readonly entries = new Map<string, { value: ProbeTarget | null; expires: number }>();
  private readonly inflight = new Map<string, Promise<ProbeTarget | null>>();

  constructor(
    private readonly ttlMs = 5_000,
    private readonly load: (id: string) => Promise<ProbeTarget | null> = getProbeTarget,
  ) {}

  async get(id: string): Promise<ProbeTarget | null> {
    const hit = this.entries.get(id);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.value;
    let p = this.inflight.get(id);
    if (!p) {
      p = this.load(id)
        .then((value) => {
          this.entries.set(id, { value, expires: Date.now() + this.ttlMs });
          if (this.entries.size > 100_000) this.prune();
          return value;
        })
        .finally(() => this.inflight.delete(id));
      this.inflight.set(id, p);
    }
    return p;
  }

  invalidate(id?: string): void {
    if (id) this.entries.delete(id);
    else this.entries.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, v] of this.entries) if (v.expires <= now) this.entries.delete(k);
  }
}
