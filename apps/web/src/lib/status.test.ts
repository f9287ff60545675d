import { describe, expect, it } from "vitest";
import { rollup } from "./status.ts";

describe("rollup", () => {
  it("takes the worst state", () => {
    expect(rollup({ UP: 3, DOWN: 1, DEGRADED: 2 }).status).toBe("DOWN");
    expect(rollup({ UP: 3, DEGRADED: 1 }).status).toBe("DEGRADED");
    expect(rollup({ UP: 3, UNKNOWN: 1 }).status).toBe("UP");
    expect(rollup({ MAINTENANCE: 1 }).status).toBe("MAINTENANCE");
    expect(rollup({}).label).toBe("No data");
  });
});
