import { describe, expect, it } from "vitest";
import { PROBES } from "../index.ts";
import { redactConfig, SECRET_CONFIG_FIELDS } from "./secrets.ts";

describe("config secrets", () => {
  it("redacts passwords of the kinds that have them, and says which were set", () => {
    const r = redactConfig("POSTGRES", { host: "db", database: "app", user: "u", password: "pw" });
    expect(r).toEqual({ config: { host: "db", database: "app", user: "u" }, secretsSet: ["password"] });
    expect(redactConfig("HTTP", { url: "http://x" })).toEqual({ config: { url: "http://x" }, secretsSet: [] });
    expect(redactConfig("REDIS", { host: "r" })).toEqual({ config: { host: "r" }, secretsSet: [] });
  });

  it("every secret field named exists in its kind's schema", () => {
    for (const [kind, fields] of Object.entries(SECRET_CONFIG_FIELDS)) {
      const shape = (PROBES as Record<string, { configSchema: { shape?: Record<string, unknown> } }>)[kind]
        ?.configSchema.shape;
      for (const f of fields) expect(shape && f in shape, `${kind}.${f}`).toBe(true);
    }
  });

  it("HTTP credential headers are write-only: blanked on read", () => {
    const stored = {
      url: "https://api.test/health",
      headers: { Authorization: "Bearer s3cret", "X-Api-Key": "k", Accept: "application/json", Cookie: "" },
    };
    const r = redactConfig("HTTP", stored);
    expect(r.config).toEqual({
      url: "https://api.test/health",
      headers: { Authorization: "", "X-Api-Key": "", Accept: "application/json", Cookie: "" },
    });
    expect(r.secretsSet).toEqual(["headers.Authorization", "headers.X-Api-Key"]);
    expect(JSON.stringify(r.config)).not.toContain("s3cret");
  });
});
