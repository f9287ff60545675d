/**
 * Demo data (brief: "Demo data (seed)"). Idempotent: if the provider organisation exists, nothing is
 * written. Everything is created in ONE transaction, so a failed seed leaves nothing half-done.
 * Runs as the admin role (DATABASE_URL): `pnpm --filter @steward/db exec tsx ../../prisma/seed.ts`
 * (scripts/start.mjs does this once).
 *
 * Monitors point at the demo estate (DEMO_ESTATE_URL, apps/demo-estate): per tenant one healthy, one
 * slow (DEGRADED above 1 s), one flapping and one down monitor, every 10–20 s, 2 confirmations. Real
 * results come from real probes; only the healthy monitors get a 7-day UP history (one state interval)
 * so 30-day uptime is not empty on first start.
 */
import { createDbClient, databaseUrls } from "../packages/db/src/index.ts";
import { hashPassword } from "../packages/services/src/auth/hash-password.ts";

// The seed's only env besides DATABASE_URL (read by @steward/db). Validated as a URL.
const DEMO_ESTATE_URL = new URL(process.env.DEMO_ESTATE_URL || "http://127.0.0.1:4100").toString().replace(/\/+$/, "");
export const DEMO_PASSWORD = "Steward-demo-1";
const PROVIDER_SLUG = "steward-msp";

type Role = "CLIENT_ADMIN" | "CLIENT_VIEWER" | "PROVIDER_ADMIN" | "ENGINEER" | "ACCOUNT_MANAGER";
type AssetKind =
  | "HOST"
  | "VM"
  | "DATABASE"
  | "WEB_SERVICE"
  | "LOAD_BALANCER"
  | "CLUSTER"
  | "IOT_GATEWAY"
  | "IOT_DEVICE"
  | "BUCKET";
type Criticality = "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
type Environment = "PRODUCTION" | "STAGING" | "DEVELOPMENT";

interface AssetSeed {
  name: string;
  kind: AssetKind;
  criticality: Criticality;
  environment?: Environment;
  tags: string[];
  description?: string;
  dependsOn?: string[];
}
interface MonitorSeed {
  name: string;
  path: "/healthy" | "/slow" | "/flapping" | "/down";
  intervalSeconds: number;
  asset: string;
}
interface TenantSeed {
  slug: "acme" | "globex" | "initech";
  name: string;
  timezone: string;
  availabilityTarget: string;
  assets: AssetSeed[];
  monitors: MonitorSeed[];
}

const TENANTS: TenantSeed[] = [
  {
    slug: "acme",
    name: "Acme Corp",
    timezone: "Europe/London",
    availabilityTarget: "99.900",
    assets: [
      {
        name: "acme-lb",
        kind: "LOAD_BALANCER",
        criticality: "HIGH",
        tags: ["edge", "public"],
        dependsOn: ["acme-web"],
      },
      { name: "acme-web", kind: "WEB_SERVICE", criticality: "HIGH", tags: ["web", "public"], dependsOn: ["acme-api"] },
      { name: "acme-api", kind: "WEB_SERVICE", criticality: "CRITICAL", tags: ["api"], dependsOn: ["acme-db"] },
      { name: "acme-db", kind: "DATABASE", criticality: "CRITICAL", tags: ["postgres", "primary"] },
      { name: "acme-staging", kind: "VM", criticality: "LOW", environment: "STAGING", tags: ["staging"] },
    ],
    monitors: [
      { name: "Website", path: "/healthy", intervalSeconds: 15, asset: "acme-web" },
      { name: "Public API", path: "/slow", intervalSeconds: 20, asset: "acme-api" },
      { name: "Checkout", path: "/flapping", intervalSeconds: 10, asset: "acme-lb" },
      { name: "Staging agent", path: "/down", intervalSeconds: 20, asset: "acme-staging" },
    ],
  },
  {
    slug: "globex",
    name: "Globex",
    timezone: "America/New_York",
    availabilityTarget: "99.950",
    assets: [
      {
        name: "globex-portal",
        kind: "WEB_SERVICE",
        criticality: "HIGH",
        tags: ["web", "customers"],
        dependsOn: ["globex-k8s"],
      },
      { name: "globex-k8s", kind: "CLUSTER", criticality: "CRITICAL", tags: ["kubernetes"] },
      { name: "globex-iot-gw", kind: "IOT_GATEWAY", criticality: "MEDIUM", tags: ["iot", "plant-1"] },
      { name: "globex-backups", kind: "BUCKET", criticality: "MEDIUM", tags: ["backup", "s3"] },
    ],
    monitors: [
      { name: "Customer portal", path: "/healthy", intervalSeconds: 10, asset: "globex-portal" },
      { name: "Reporting API", path: "/slow", intervalSeconds: 20, asset: "globex-k8s" },
      { name: "IoT gateway", path: "/flapping", intervalSeconds: 10, asset: "globex-iot-gw" },
      { name: "Backup endpoint", path: "/down", intervalSeconds: 20, asset: "globex-backups" },
    ],
  },
  {
    slug: "initech",
    name: "Initech",
    timezone: "Asia/Tokyo",
    availabilityTarget: "99.500",
    assets: [
      { name: "initech-erp", kind: "VM", criticality: "CRITICAL", tags: ["erp"], dependsOn: ["initech-db"] },
      { name: "initech-db", kind: "DATABASE", criticality: "HIGH", tags: ["mssql"] },
      { name: "initech-intranet", kind: "WEB_SERVICE", criticality: "LOW", tags: ["intranet"] },
    ],
    monitors: [
      { name: "ERP", path: "/healthy", intervalSeconds: 15, asset: "initech-erp" },
      { name: "Intranet", path: "/slow", intervalSeconds: 15, asset: "initech-intranet" },
      { name: "TPS reports", path: "/flapping", intervalSeconds: 10, asset: "initech-erp" },
      { name: "Database replica", path: "/down", intervalSeconds: 20, asset: "initech-db" },
    ],
  },
];

interface UserSeed {
  email: string;
  name: string;
  role: Role;
  org: "steward-msp" | TenantSeed["slug"];
  scope?: TenantSeed["slug"][];
}

const USERS: UserSeed[] = [
  { email: "provider-admin@steward.test", name: "Pat Provider", role: "PROVIDER_ADMIN", org: PROVIDER_SLUG },
  {
    email: "engineer@steward.test",
    name: "Eve Engineer",
    role: "ENGINEER",
    org: PROVIDER_SLUG,
    scope: ["acme", "globex"],
  },
  {
    email: "manager@steward.test",
    name: "Max Manager",
    role: "ACCOUNT_MANAGER",
    org: PROVIDER_SLUG,
    scope: ["initech"],
  },
  { email: "unscoped@steward.test", name: "Uma Unscoped", role: "ENGINEER", org: PROVIDER_SLUG, scope: [] },
  { email: "admin@acme.test", name: "Alice Acme", role: "CLIENT_ADMIN", org: "acme" },
  { email: "viewer@acme.test", name: "Victor Viewer", role: "CLIENT_VIEWER", org: "acme" },
  { email: "admin@globex.test", name: "Gina Globex", role: "CLIENT_ADMIN", org: "globex" },
  { email: "admin@initech.test", name: "Ian Initech", role: "CLIENT_ADMIN", org: "initech" },
];

const HISTORY_DAYS = 7;

async function main() {
  const db = createDbClient({ connectionString: databaseUrls().databaseUrl, max: 2, applicationName: "steward-seed" });
  try {
    const existing = await db.organization.findUnique({ where: { slug: PROVIDER_SLUG }, select: { id: true } });
    if (existing) {
      console.info("seed: demo data already present (organization steward-msp exists) — nothing to do");
      return;
    }

    // argon2id is deliberately slow: hash before opening the transaction (each user its own salt).
    const hashes = await Promise.all(USERS.map(() => hashPassword(DEMO_PASSWORD)));
    const now = new Date();
    const historyStart = new Date(now.getTime() - HISTORY_DAYS * 24 * 3600 * 1000);
    const yearStart = new Date(Date.UTC(now.getUTCFullYear(), 0, 1));

    await db.$transaction(
      async (tx) => {
        const provider = await tx.organization.create({
          data: { kind: "PROVIDER", name: "Steward MSP", slug: PROVIDER_SLUG, timezone: "Europe/London" },
          select: { id: true },
        });
        const orgIds = new Map<string, string>([[PROVIDER_SLUG, provider.id]]);

        for (const t of TENANTS) {
          const org = await tx.organization.create({
            data: { kind: "CLIENT", name: t.name, slug: t.slug, timezone: t.timezone, parentId: provider.id },
            select: { id: true },
          });
          orgIds.set(t.slug, org.id);
          const tenantId = org.id;

          const assetIds = new Map<string, string>();
          for (const a of t.assets) {
            const asset = await tx.asset.create({
              data: {
                tenantId,
                name: a.name,
                kind: a.kind,
                criticality: a.criticality,
                environment: a.environment ?? "PRODUCTION",
                tags: a.tags,
                description: a.description ?? null,
              },
              select: { id: true },
            });
            assetIds.set(a.name, asset.id);
          }
          for (const a of t.assets) {
            for (const dep of a.dependsOn ?? []) {
              await tx.assetDependency.create({
                data: { tenantId, assetId: assetIds.get(a.name)!, dependsOnId: assetIds.get(dep)! },
              });
            }
          }

          await tx.serviceContract.create({
            data: {
              tenantId,
              name: `${t.name} managed service agreement`,
              availabilityTarget: t.availabilityTarget,
              startsOn: yearStart,
            },
          });

          for (const m of t.monitors) {
            const healthy = m.path === "/healthy";
            const monitor = await tx.monitor.create({
              data: {
                tenantId,
                assetId: assetIds.get(m.asset)!,
                name: m.name,
                kind: "HTTP",
                config: { url: `${DEMO_ESTATE_URL}${m.path}`, method: "GET" },
                intervalSeconds: m.intervalSeconds,
                timeoutMs: 5000,
                confirmations: 2,
                recoveryThreshold: 1,
                degradedThresholdMs: 1000,
                // Healthy monitors carry their (seeded) 7-day UP history; the rest start UNKNOWN.
                ...(healthy ? { state: "UP" as const, stateSince: historyStart } : {}),
              },
              select: { id: true },
            });
            if (healthy) {
              await tx.stateInterval.create({
                data: { tenantId, monitorId: monitor.id, state: "UP", startedAt: historyStart, endedAt: null },
              });
            }
          }
        }

        for (const [i, u] of USERS.entries()) {
          const user = await tx.user.create({
            data: { email: u.email, name: u.name, passwordHash: hashes[i]! },
            select: { id: true },
          });
          await tx.membership.create({
            data: {
              userId: user.id,
              tenantId: orgIds.get(u.org)!,
              role: u.role,
              scopeTenantIds: (u.scope ?? []).map((s) => orgIds.get(s)!),
            },
          });
        }
      },
      { timeout: 60_000, maxWait: 10_000 },
    );

    console.info(`seed: created Steward MSP, ${TENANTS.length} client tenants, ${USERS.length} users`);
    console.info(`seed: monitors probe the demo estate at ${DEMO_ESTATE_URL}`);
    console.info(`seed: every demo user's password is ${DEMO_PASSWORD}`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error("seed failed:", err);
  process.exit(1);
});
