-- Uptime reads (B7, ADR 0006 notes): the exact uptime of a monitor over a window sums its state_intervals
-- clipped to the window. The (monitor_id, started_at) index found them but every interval then cost a
-- heap fetch (intervals of one monitor are written over months, one per heap page). The same key with
-- the other columns the read needs INCLUDEd makes it an index-only scan: one monitor over 365 days reads a
-- handful of index pages instead of one heap page per state change. Same name and key, so the Prisma
-- model's @@index([monitorId, startedAt]) still describes it.
DROP INDEX "state_intervals_monitor_id_started_at_idx";
CREATE INDEX "state_intervals_monitor_id_started_at_idx" ON "state_intervals" ("monitor_id", "started_at")
  INCLUDE ("ended_at", "state", "tenant_id");
