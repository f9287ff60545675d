import { AppShell } from "~/components/app-shell.tsx";
import { toShellUser } from "~/lib/me.ts";
import { getMe } from "~/trpc/server.ts";

/** Every page in here requires a valid server-side session (validated per request, not in proxy.ts). */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const me = await getMe();
  return <AppShell user={toShellUser(me)}>{children}</AppShell>;
}
