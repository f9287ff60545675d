import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { monitorQueryString, nextSort, parseMonitorQuery, SORTS, STATUSES } from "./monitor-query.ts";

describe("monitor list URL state", () => {
  it("parses leniently and drops unknown values", () => {
    expect(parseMonitorQuery({})).toEqual({ sort: "name", dir: "asc", page: 1 });
    expect(
      parseMonitorQuery({
        q: "  api ",
        status: "down,paused,bogus",
        kind: "http,<script>",
        sort: "latency",
        dir: "desc",
        page: "3",
        asset: "not-a-uuid",
      }),
    ).toEqual({ q: "api", status: ["DOWN", "PAUSED"], kind: ["HTTP"], sort: "latency", dir: "desc", page: 3 });
    expect(parseMonitorQuery(new URLSearchParams("page=-4&sort=evil"))).toEqual({ sort: "name", dir: "asc", page: 1 });
  });

  it("round-trips through the query string", () => {
    const arb = fc.record({
      q: fc.option(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.length > 0),
        {
          nil: undefined,
        },
      ),
      status: fc.option(fc.uniqueArray(fc.constantFrom(...STATUSES), { minLength: 1 }), { nil: undefined }),
      sort: fc.constantFrom(...SORTS),
      dir: fc.constantFrom("asc" as const, "desc" as const),
      page: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(
      fc.property(arb, (raw) => {
        const q = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as typeof raw;
        const back = parseMonitorQuery(new URLSearchParams(monitorQueryString(q).slice(1)));
        expect(back).toEqual(q);
      }),
    );
  });

  it("sorting: same column flips, a new column starts in its natural direction", () => {
    const q = parseMonitorQuery({});
    expect(nextSort(q, "name")).toEqual({ sort: "name", dir: "desc" });
    expect(nextSort(q, "latency")).toEqual({ sort: "latency", dir: "desc" });
    expect(nextSort({ ...q, sort: "state" }, "state")).toEqual({ sort: "state", dir: "desc" });
  });
});
