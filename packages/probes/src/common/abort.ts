/**
 * `onAbort(signal, fn)`: runs `fn` once when `signal` aborts (at once if it already has); returns the
 * unsubscribe. For a signal shared by every in-flight probe (the worker's shutdown signal): the signal gets
 * ONE real listener and the probes join a Set. An AbortSignal's own addEventListener/removeEventListener
 * walk its whole listener list (duplicate check), i.e. O(probes in flight) per probe.
 */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();
const noop = () => {};

export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return noop;
  }
  let set = subscribers.get(signal);
  if (!set) {
    const fns = new Set<() => void>();
    set = fns;
    subscribers.set(signal, fns);
    signal.addEventListener(
      "abort",
      () => {
        subscribers.delete(signal);
        const all = [...fns];
        fns.clear();
        for (const f of all) {
          try {
            f();
          } catch (err) {
            // As an EventTarget listener's error would: reported, without skipping the other probes.
            process.nextTick(() => {
              throw err;
            });
          }
        }
      },
      { once: true },
    );
  }
  const fns = set;
  fns.add(fn);
  return () => {
    fns.delete(fn);
  };
}
