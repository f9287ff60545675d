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

  it("HTTP credential headers are write-only: blanked on read, kept on an edit that sends them blank", () => {
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
    // An edit that sends the redacted form back keeps the stored values; a new value replaces; leaving
    // the header out removes it.
    expect(mergeSecrets("HTTP", stored, r.config as Record<string, unknown>)).toEqual(stored);
    expect(
      mergeSecrets("HTTP", stored, { url: stored.url, headers: { Authorization: "Bearer new", Accept: "*/*" } }),
    ).toEqual({ url: stored.url, headers: { Authorization: "Bearer new", Accept: "*/*" } });
  });
});
