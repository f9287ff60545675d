import { describe, expect, it } from "vitest";
import { assertNoDefaultPasswords, DefaultDatabasePasswordError } from "./env.ts";

const urls = (app: string, system: string, auth: string) => ({
  appDatabaseUrl: `postgresql://${app}@db.internal:5432/steward`,
  systemDatabaseUrl: `postgresql://${system}@db.internal:5432/steward`,
  authDatabaseUrl: `postgresql://${auth}@db.internal:5432/steward`,
});
const prod = { nodeEnv: "production", allowDefault: false };

describe("database role passwords (fail closed in production)", () => {
  it("refuses the built-in role passwords and missing ones in production", () => {
    const defaults = urls("steward_app:steward_app", "steward_system:steward_system", "steward_auth:steward_auth");
    expect(() => assertNoDefaultPasswords(defaults, prod)).toThrow(DefaultDatabasePasswordError);
    expect(() =>
      assertNoDefaultPasswords(urls("steward_app:s3cret-a", "steward_system:s3cret-s", "steward_auth"), prod),
    ).toThrow(/authDatabaseUrl: role steward_auth uses no password/);
  });

  it("accepts real passwords, development, and the demo's explicit opt-in", () => {
    const real = urls("steward_app:Xk2-a", "steward_system:Yq9-s", "steward_auth:Zr4-u");
    expect(() => assertNoDefaultPasswords(real, prod)).not.toThrow();
    const defaults = urls("steward_app:steward_app", "steward_system:steward_system", "steward_auth:steward_auth");
    expect(() => assertNoDefaultPasswords(defaults, { nodeEnv: "development", allowDefault: false })).not.toThrow();
    expect(() => assertNoDefaultPasswords(defaults, { nodeEnv: "production", allowDefault: true })).not.toThrow();
  });
});
