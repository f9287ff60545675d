// Vitest globalSetup for the `integration` project: builds (once per migrations hash) the migrated
// template database and hands its name to the per-file setup.
import type { TestProject } from "vitest/node";
import { ensureTemplateDatabase, harnessAdminUrl } from "./database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stewardTemplateDb: string;
    stewardAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const adminUrl = harnessAdminUrl();
  const template = await ensureTemplateDatabase(adminUrl);
  project.provide("stewardTemplateDb", template);
  project.provide("stewardAdminUrl", adminUrl);
}
