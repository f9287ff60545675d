import { describe, expect, it } from "vitest";
import { onAbort } from "./abort.ts";
import { Deadline } from "./deadline.ts";
import { ProbeTimeoutError } from "./probe-run.ts";

describe("onAbort (fan-out on a shared signal)", () => {
  it("one real listener for any number of subscribers; unsubscribed ones are not called", () => {
    const ac = new AbortController();
    const calls: number[] = [];
    const offs = Array.from({ length: 1000 }, (_, i) => onAbort(ac.signal, () => calls.push(i)));
    for (let i = 0; i < 1000; i += 2) offs[i]?.();
    ac.abort();
    expect(calls).toHaveLength(500);
    expect(calls.every((i) => i % 2 === 1)).toBe(true);
    // already aborted: called at once
    let late = false;
    onAbort(ac.signal, () => {
      late = true;
    });
    expect(late).toBe(true);
  });

  it("a throwing subscriber does not stop the others (its error is reported, as a listener's would be)", async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    onAbort(ac.signal, () => {
      throw new Error("boom");
    });
    onAbort(ac.signal, () => seen.push("second"));
    const reported = new Promise<unknown>((resolve) => process.once("uncaughtException", resolve));
    ac.abort();
    expect(seen).toEqual(["second"]);
    expect(await reported).toMatchObject({ message: "boom" });
  });
});

describe("Deadline", () => {
  it("times out with ProbeTimeoutError and tells its subscribers and its signal", async () => {
    const d = new Deadline(new AbortController().signal, 30);
    const signal = d.signal;
    const reason = await new Promise((resolve) => d.onAbort(resolve));
    expect(reason).toBeInstanceOf(ProbeTimeoutError);
    expect((reason as Error).message).toBe("timeout after 30 ms");
    expect(signal.aborted).toBe(true);
    await expect(d.race(new Promise(() => {}))).rejects.toBe(reason);
  });

  it("follows the parent signal (already aborted or later) with the parent's reason", async () => {
    const parent = new AbortController();
    const d = new Deadline(parent.signal, 10_000);
    const pending = d.race(new Promise(() => {}));
    parent.abort(new Error("stopping"));
    await expect(pending).rejects.toThrow("stopping");
    expect(d.aborted).toBe(true);
    const pre = new Deadline(parent.signal, 10_000);
    expect(pre.aborted).toBe(true);
    expect(pre.signal.aborted).toBe(true);
  });

  it("dispose() stops the timer and leaves the parent's fan-out", async () => {
    const parent = new AbortController();
    const d = new Deadline(parent.signal, 20);
    let called = false;
    d.onAbort(() => {
      called = true;
    });
    await expect(d.race(Promise.resolve(7))).resolves.toBe(7);
    d.dispose();
    await new Promise((r) => setTimeout(r, 40));
    parent.abort();
    expect(called).toBe(false);
    expect(d.aborted).toBe(false);
  });
});
