"use client";
import { createContext, useCallback, useContext, useEffect, useState } from "react";

type Pref = "tenant" | "utc";
const KEY = "steward.time-zone";
const Ctx = createContext<{ pref: Pref; setPref: (p: Pref) => void }>({ pref: "tenant", setPref: () => {} });

/** Whether times show in the tenant's zone (default) or UTC; remembered in this browser. */
export function TimeZonePrefProvider({ children }: { children: React.ReactNode }) {
  const [pref, setPrefState] = useState<Pref>("tenant");
  useEffect(() => {
    if (window.localStorage.getItem(KEY) === "utc") setPrefState("utc");
  }, []);
  const setPref = useCallback((p: Pref) => {
    setPrefState(p);
    window.localStorage.setItem(KEY, p);
  }, []);
  return <Ctx.Provider value={{ pref, setPref }}>{children}</Ctx.Provider>;
}

export function useTimeZonePref() {
  return useContext(Ctx);
}

/** The zone to display times in: the tenant's, or UTC when the user chose so. */
export function useDisplayZone(tenantZone: string): string {
  return useContext(Ctx).pref === "utc" ? "UTC" : tenantZone;
}
