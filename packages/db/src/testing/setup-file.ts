// Vitest setupFiles entry for the `integration` project. Runs before each test file: gives the file
// its own database (cloned from the template) and Redis prefix, then drops both after the file.
import { afterAll, inject } from "vitest";
import { createTestDatabase, dropTestDatabase } from "./database.ts";

const adminUrl = inject("stewardAdminUrl");
const db = await createTestDatabase(inject("stewardTemplateDb"), adminUrl);

process.env.DATABASE_URL = db.databaseUrl;
process.env.APP_DATABASE_URL = db.appDatabaseUrl;
process.env.SYSTEM_DATABASE_URL = db.systemDatabaseUrl;
process.env.REDIS_PREFIX = db.redisPrefix;

async function cleanRedis(prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379", {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== "0");
  } catch {
    // Redis not running: nothing was written there either.
  } finally {
    redis.disconnect();
  }
}

afterAll(async () => {
  // Same module instance as the code under test (same file path), so this closes its clients.
  const { disconnectAll } = await import("../client.ts");
  await disconnectAll();
  await dropTestDatabase(db.name, adminUrl);
  await cleanRedis(db.redisPrefix);
});
