import { describe, expect, it } from "vitest";
import { HttpProbeConfig, PrometheusProbeConfig, URL_CREDENTIALS_MESSAGE } from "../index.ts";
import { joinSecrets, secretTarget, splitSecrets } from "./secrets.ts";

describe("secret split / join (sealed storage)", () => {
  it("takes secret fields and credential headers out, keeping header names with empty values", () => {
    const config = {
      url: "https://api.test/",
      headers: { Authorization: "Bearer canary", Accept: "text/plain", "X-Api-Key": "" },
    };
    const s = splitSecrets("HTTP", config);
    expect(s.config).toEqual({
      url: "https://api.test/",
      headers: { Authorization: "", Accept: "text/plain", "X-Api-Key": "" },
    });
    expect(s.secrets).toEqual({ "headers.Authorization": "Bearer canary" });
    expect(JSON.stringify(s.config)).not.toContain("canary");
    expect(joinSecrets(s.config, s.secrets)).toEqual(config);
    const pg = splitSecrets("POSTGRES", { host: "db", user: "u", password: "pw" });
    expect(pg).toEqual({ config: { host: "db", user: "u" }, secrets: { password: "pw" } });
    expect(joinSecrets(pg.config, pg.secrets)).toEqual({ host: "db", user: "u", password: "pw" });
  });

  it("a target is scheme + host + port (+ TLS for host kinds), normalised", () => {
    const t = (kind: string, c: unknown) => secretTarget(kind, c);
    expect(t("HTTP", { url: "https://API.test/a?b" })).toBe(t("HTTP", { url: "https://api.test:443/other" }));
    expect(t("HTTP", { url: "https://api.test/" })).not.toBe(t("HTTP", { url: "http://api.test/" }));
    expect(t("HTTP", { url: "https://api.test/" })).not.toBe(t("HTTP", { url: "https://api.test:8443/" }));
    expect(t("HTTP", { url: "https://api.test/" })).not.toBe(t("HTTP", { url: "https://evil.test/" }));
    expect(t("REDIS", { host: "r", port: 6379 })).toBe(t("REDIS", { host: "R", port: 6379 }));
    expect(t("REDIS", { host: "r", port: 6379 })).not.toBe(t("REDIS", { host: "r", port: 6380 }));
    expect(t("REDIS", { host: "r", port: 6379, tls: true })).not.toBe(t("REDIS", { host: "r", port: 6379 }));
    expect(t("POSTGRES", { host: "db", port: 5432 })).not.toBe(t("POSTGRES", { host: "db2", port: 5432 }));
  });

  it("refuses credentials in URLs with a message pointing at the secret header", () => {
    for (const url of ["https://u:p@host.test/", "http://user@host.test/", "https://:p@host.test/"]) {
      const r = HttpProbeConfig.safeParse({ url });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toBe(URL_CREDENTIALS_MESSAGE);
      expect(r.error?.issues[0]?.message).toContain("Authorization");
      const p = PrometheusProbeConfig.safeParse({ url, metric: "up", op: "eq", threshold: 1 });
      expect(p.success).toBe(false);
      expect(p.error?.issues[0]?.message).toMatch(/Credentials in the URL/);
    }
    expect(HttpProbeConfig.safeParse({ url: "https://host.test/a@b" }).success).toBe(true);
  });
});
