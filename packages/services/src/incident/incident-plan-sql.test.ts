import { planIncidentAction } from "@steward/domain";
import { describe, expect, it } from "vitest";
import { incidentPlanSql, planForSystem } from "./incident-plan-sql.ts";

const at = new Date("2026-12-04T12:00:00Z");

describe("incidentPlanSql (the worker path's compare-and-set from a domain plan)", () => {
  it("resolve: SET the patch (stamp with no user), WHERE status is one the machine allows", () => {
    const plan = planForSystem({ type: "resolve", reason: "Monitor recovered" }, at);
    expect(incidentPlanSql(plan, 3)).toEqual({
      set: 'status = $3::"IncidentStatus", resolved_at = $4, resolved_by_id = NULL, updated_at = now()',
      fromGuard: 'status = ANY($5::"IncidentStatus"[])',
      values: ["RESOLVED", at, ["TRIGGERED", "ACKNOWLEDGED"]],
    });
  });

  it("reopen: clears both stamps and their users, only from RESOLVED", () => {
    const plan = planForSystem({ type: "reopen" }, at);
    const sql = incidentPlanSql(plan, 1);
    expect(sql.set).toBe(
      'status = $1::"IncidentStatus", acknowledged_at = $2, acknowledged_by_id = NULL, resolved_at = $3, resolved_by_id = NULL, updated_at = now()',
    );
    expect(sql.fromGuard).toBe('status = ANY($4::"IncidentStatus"[])');
    expect(sql.values).toEqual(["TRIGGERED", null, null, ["RESOLVED"]]);
  });

  it("planForSystem is the domain's plan", () => {
    const planned = planIncidentAction({ type: "resolve", reason: "x" }, at);
    expect(planned.ok && planned.plan).toEqual(planForSystem({ type: "resolve", reason: "x" }, at));
  });
});
