// @steward/db/testing: integration-test harness helpers.
export {
  cleanRedisPrefix,
  createTestDatabase,
  dropTestDatabase,
  ensureTemplateDatabase,
  harnessAdminUrl,
  type TestDatabase,
  templateDatabaseName,
  withAdminClient,
} from "./database.ts";
