-- Issue 3 item 1: every probe kind. ADD VALUE may run inside the migration's transaction (PostgreSQL 12+);
-- the new values are usable from the next transaction on, which is all later migrations and the app need.
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'TCP';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'DNS';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'TLS';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'POSTGRES';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'REDIS';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'MQTT';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'PROMETHEUS';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'ICMP';
ALTER TYPE "MonitorKind" ADD VALUE IF NOT EXISTS 'HEARTBEAT';
