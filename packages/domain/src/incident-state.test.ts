import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canTransition,
  INCIDENT_STATUSES,
  type IncidentAction,
  type IncidentSnapshot,
  legalActions,
  newIncident,
  planIncidentAction,
  shouldReopen,
  transitionIncident,
} from "./incident-state.ts";

const at = new Date("2026-01-01T00:10:00Z");
const triggered: IncidentSnapshot = { status: "TRIGGERED", acknowledgedAt: null, resolvedAt: null };

describe("transitionIncident", () => {
  it("acknowledges a triggered incident once", () => {
    const r = transitionIncident(triggered, { type: "acknowledge" }, at);
    expect(r).toMatchObject({
      ok: true,
      next: { status: "ACKNOWLEDGED", acknowledgedAt: at },
      events: [{ kind: "ACKNOWLEDGED" }],
    });
    if (!r.ok) throw new Error("unreachable");
    expect(transitionIncident(r.next, { type: "acknowledge" }, at).ok).toBe(false);
  });

  it("resolves from triggered or acknowledged, not twice", () => {
    const fromTriggered = transitionIncident(triggered, { type: "resolve" }, at);
    expect(fromTriggered).toMatchObject({
      ok: true,
      next: { status: "RESOLVED", resolvedAt: at, acknowledgedAt: null },
    });
    const acked = { ...triggered, status: "ACKNOWLEDGED" as const, acknowledgedAt: at };
    expect(transitionIncident(acked, { type: "resolve" }, at)).toMatchObject({
      ok: true,
      events: [{ kind: "RESOLVED" }],
    });
    if (!fromTriggered.ok) throw new Error("unreachable");
    expect(transitionIncident(fromTriggered.next, { type: "resolve" }, at).ok).toBe(false);
    expect(transitionIncident(fromTriggered.next, { type: "acknowledge" }, at).ok).toBe(false);
  });

  it("reopens only a resolved incident and clears the stamps", () => {
    expect(transitionIncident(triggered, { type: "reopen" }, at).ok).toBe(false);
    const resolved: IncidentSnapshot = { status: "RESOLVED", acknowledgedAt: at, resolvedAt: at };
    expect(transitionIncident(resolved, { type: "reopen" }, at)).toMatchObject({
      ok: true,
      next: { status: "TRIGGERED", acknowledgedAt: null, resolvedAt: null },
      events: [{ kind: "REOPENED" }],
    });
  });

  it("notes never change the status and must not be blank", () => {
    expect(transitionIncident(triggered, { type: "note", body: "  looking  " }, at)).toMatchObject({
      ok: true,
      statusChanged: false,
      next: triggered,
      events: [{ kind: "NOTE", message: "looking" }],
    });
    expect(transitionIncident(triggered, { type: "note", body: "   " }, at).ok).toBe(false);
    expect(transitionIncident(triggered, { type: "note", body: "x".repeat(10_001) }, at).ok).toBe(false);
  });

  it("legalActions lists exactly the allowed actions", () => {
    expect(legalActions("TRIGGERED")).toEqual(["acknowledge", "resolve", "note"]);
    expect(legalActions("ACKNOWLEDGED")).toEqual(["resolve", "note"]);
    expect(legalActions("RESOLVED")).toEqual(["reopen", "note"]);
  });

  it("shouldReopen within the window only", () => {
    const resolvedAt = new Date(at.getTime() - 60_000);
    expect(shouldReopen({ status: "RESOLVED", resolvedAt }, at)).toBe(true);
    expect(shouldReopen({ status: "RESOLVED", resolvedAt }, at, 30_000)).toBe(false);
    expect(shouldReopen({ status: "TRIGGERED", resolvedAt: null }, at)).toBe(false);
    expect(shouldReopen(null, at)).toBe(false);
  });
});

const actionArb: fc.Arbitrary<IncidentAction> = fc.oneof(
  fc.constant({ type: "acknowledge" as const }),
  fc.constant({ type: "resolve" as const }),
  fc.constant({ type: "reopen" as const }),
  fc.string({ maxLength: 20 }).map((body) => ({ type: "note" as const, body })),
);

describe("incident state machine properties", () => {
  it("any sequence keeps the invariants between status and stamps", () => {
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 30 }), (actions) => {
        let s = triggered;
        let t = at.getTime();
        for (const a of actions) {
          t += 1000;
          const r = transitionIncident(s, a, new Date(t));
          expect(r.ok || !canTransition(s.status, a.type) || a.type === "note").toBe(true);
          if (!r.ok) continue;
          expect(r.events.length).toBe(1);
          s = r.next;
          expect(s.status === "RESOLVED").toBe(s.resolvedAt !== null);
          if (s.status === "ACKNOWLEDGED") expect(s.acknowledgedAt).not.toBeNull();
          if (s.status === "TRIGGERED") expect(s.acknowledgedAt).toBeNull();
        }
      }),
    );
  });
});

describe("planIncidentAction (the one definition both paths apply)", () => {
  it("transitionIncident is the plan applied to a snapshot: legal from-statuses, patch, events", () => {
    const snapArb = fc.record({
      status: fc.constantFrom(...INCIDENT_STATUSES),
      acknowledgedAt: fc.option(fc.date({ noInvalidDate: true })),
      resolvedAt: fc.option(fc.date({ noInvalidDate: true })),
    });
    fc.assert(
      fc.property(snapArb, actionArb, (snap, action) => {
        const planned = planIncidentAction(action, at);
        const t = transitionIncident(snap, action, at);
        if (!planned.ok) {
          expect(t.ok).toBe(false);
          return;
        }
        const { plan } = planned;
        expect(plan.from.includes(snap.status)).toBe(canTransition(snap.status, action.type));
        if (!plan.from.includes(snap.status)) {
          expect(t.ok).toBe(false);
          return;
        }
        expect(t).toEqual({
          ok: true,
          statusChanged: plan.statusChanged,
          next: { ...snap, ...plan.patch },
          events: plan.events,
        });
      }),
    );
  });

  it("resolve keeps the acknowledgement; reopen clears both stamps; a note changes nothing", () => {
    expect(planIncidentAction({ type: "resolve" }, at)).toMatchObject({
      ok: true,
      plan: { from: ["TRIGGERED", "ACKNOWLEDGED"], patch: { status: "RESOLVED", resolvedAt: at } },
    });
    const resolve = planIncidentAction({ type: "resolve" }, at);
    expect(resolve.ok && "acknowledgedAt" in resolve.plan.patch).toBe(false);
    expect(planIncidentAction({ type: "reopen", reason: " again " }, at)).toEqual({
      ok: true,
      plan: {
        from: ["RESOLVED"],
        statusChanged: true,
        patch: { status: "TRIGGERED", acknowledgedAt: null, resolvedAt: null },
        events: [{ kind: "REOPENED", message: "again" }],
      },
    });
    expect(planIncidentAction({ type: "note", body: "x" }, at)).toMatchObject({ ok: true, plan: { patch: {} } });
    expect(planIncidentAction({ type: "note", body: " " }, at).ok).toBe(false);
  });

  it("a new incident starts triggered with an OPENED event", () => {
    expect(newIncident("db is down")).toEqual({
      snapshot: triggered,
      events: [{ kind: "OPENED", message: "db is down" }],
    });
  });
});
