import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "./instrumentation.ts";

// Next.js calls register() once when the server starts: without a secrets key (outside development) the
// web must exit instead of serving and failing on the first monitor edit.
describe("web start-up", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it("exits when NODE_ENV=production and no STEWARD_SECRETS_KEYS is set", async () => {
    process.env = { ...saved, NEXT_RUNTIME: "nodejs", NODE_ENV: "production" };
    delete process.env.STEWARD_SECRETS_KEYS;
    delete process.env.STEWARD_SECRETS_KEYS_FILE;
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    await register();
    expect(exit).toHaveBeenCalledWith(1);
    expect(String(error.mock.calls[0]?.[0])).toMatch(/web cannot start: .*STEWARD_SECRETS_KEYS/);
  });

  it("starts with a key", async () => {
    process.env = {
      ...saved,
      NEXT_RUNTIME: "nodejs",
      NODE_ENV: "production",
      STEWARD_SECRETS_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
    };
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    await register();
    expect(exit).not.toHaveBeenCalled();
  });
});
