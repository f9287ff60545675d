// Vitest setupFiles entry for the `integration` project. Runs before each test file: gives the file
// its own database (cloned from the template) and Redis prefix, then drops both after the file.
import { afterAll, inject } from "vitest";
import { cleanRedisPrefix, createTestDatabase, dropTestDatabase } from "./database.ts";

const adminUrl = inject("stewardAdminUrl");
const db = await createTestDatabase(inject("stewardTemplateDb"), adminUrl);

process.env.DATABASE_URL = db.databaseUrl;
process.env.APP_DATABASE_URL = db.appDatabaseUrl;
process.env.SYSTEM_DATABASE_URL = db.systemDatabaseUrl;
process.env.AUTH_DATABASE_URL = db.authDatabaseUrl;
process.env.REDIS_PREFIX = db.redisPrefix;

afterAll(async () => {
  // Same module instance as the code under test (same file path), so this closes its clients.
  const { disconnectAll } = await import("../disconnect.ts");
  await disconnectAll();
  await dropTestDatabase(db.name, adminUrl);
  await cleanRedisPrefix(db.redisPrefix);
});
