import { assetRouter } from "./routers/asset.ts";
import { auditRouter } from "./routers/audit.ts";
import { channelRouter } from "./routers/channel.ts";
import { fleetRouter } from "./routers/fleet.ts";
import { incidentRouter } from "./routers/incident.ts";
import { meRouter } from "./routers/me.ts";
import { memberRouter } from "./routers/member.ts";
import { monitorRouter } from "./routers/monitor.ts";
import { tenantRouter } from "./routers/tenant.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me: meRouter,
  tenant: tenantRouter,
  asset: assetRouter,
  monitor: monitorRouter,
  incident: incidentRouter,
  member: memberRouter,
  audit: auditRouter,
  fleet: fleetRouter,
  channel: channelRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(await createContext({...})).incident.list({ tenantId })`. */
export const createCaller = createCallerFactory(appRouter);
