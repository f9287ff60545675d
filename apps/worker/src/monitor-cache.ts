import { getProbeTarget, type ProbeTarget } from "@steward/services";

/**
 * The worker's cache of monitors for the probe processor: a monitor is read once per `ttlMs` instead of
 * once per probe. Edits do not wait for the TTL: the worker LISTENs for monitor changes
 * (listenMonitorChanges) and invalidates the monitor — or all of a tenant's monitors when its SSRF
 * allowlist changes — at once, and everything when the listener reconnects. The TTL is only the safety net.
 */
export class MonitorCache {
  private readonly entries = new Map<string, { value: ProbeTarget | null; expires: number }>();
  private readonly inflight = new Map<string, Promise<ProbeTarget | null>>();
  /** Bumped by every invalidation: a load that started before it must not repopulate the cache. */
  private generation = 0;

  constructor(
    private readonly ttlMs = 300_000,
    private readonly load: (id: string) => Promise<ProbeTarget | null> = getProbeTarget,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(id: string): Promise<ProbeTarget | null> {
    const hit = this.entries.get(id);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.value;
    let p = this.inflight.get(id);
    if (!p) {
      const generation = this.generation;
      p = this.load(id)
        .then((value) => {
          if (generation === this.generation) {
            this.entries.set(id, { value, expires: Date.now() + this.ttlMs });
            if (this.entries.size > 200_000) this.prune();
          }
          return value;
        })
        .finally(() => this.inflight.delete(id));
      this.inflight.set(id, p);
    }
    return p;
  }

  invalidate(id?: string): void {
    this.generation++;
    if (id) {
      this.entries.delete(id);
      this.inflight.delete(id);
    } else {
      this.entries.clear();
      this.inflight.clear();
    }
  }

  /** Drop every cached monitor of one tenant (its SSRF allowlist changed). */
  invalidateTenant(tenantId: string): void {
    this.generation++;
    for (const [k, v] of this.entries) if (v.value?.tenantId === tenantId) this.entries.delete(k);
    this.inflight.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, v] of this.entries) if (v.expires <= now) this.entries.delete(k);
  }
}
