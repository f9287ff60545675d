import { describe, expect, it } from "vitest";
import { PROBES } from "../index.ts";
import { mergeSecrets, redactConfig, SECRET_CONFIG_FIELDS } from "./secrets.ts";

describe("config secrets", () => {
  it("redacts passwords of the kinds that have them, and says which were set", () => {
    const r = redactConfig("POSTGRES", { host: "db", database: "app", user: "u", password: "pw" });
    expect(r).toEqual({ config: { host: "db", database: "app", user: "u" }, secretsSet: ["password"] });
    expect(redactConfig("HTTP", { url: "http://x" })).toEqual({ config: { url: "http://x" }, secretsSet: [] });
    expect(redactConfig("REDIS", { host: "r" })).toEqual({ config: { host: "r" }, secretsSet: [] });
  });

  it("an edit without the secret keeps the stored one; a new value replaces it", () => {
    const stored = { host: "m", password: "old" };
    expect(mergeSecrets("MQTT", stored, { host: "m2" })).toEqual({ host: "m2", password: "old" });
    expect(mergeSecrets("MQTT", stored, { host: "m2", password: "" })).toEqual({ host: "m2", password: "old" });
    expect(mergeSecrets("MQTT", stored, { host: "m2", password: "new" })).toEqual({ host: "m2", password: "new" });
  });

  it("every secret field named exists in its kind's schema", () => {
    for (const [kind, fields] of Object.entries(SECRET_CONFIG_FIELDS)) {
      const shape = (PROBES as Record<string, { configSchema: { shape?: Record<string, unknown> } }>)[kind]
        ?.configSchema.shape;
      for (const f of fields) expect(shape && f in shape, `${kind}.${f}`).toBe(true);
    }
  });
});
