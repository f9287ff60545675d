"use client";
import {
  Button,
  cn,
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@steward/ui";
import {
  Activity,
  Building,
  ChevronsUpDown,
  KeyRound,
  LayoutDashboard,
  ListChecks,
  LogOut,
  Server,
  Settings,
  Siren,
  UserRound,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useTheme } from "next-themes";
import type { ShellUser } from "~/lib/shell-user.ts";
import { LiveIndicator, LiveProvider } from "./live.tsx";
import { useTimeZonePref } from "./time-zone-pref.tsx";

interface NavItem {
  href: string;
  label: string;
  icon: typeof Activity;
  match: (path: string) => boolean;
}

function navFor(user: ShellUser, tenantSlug: string | null): NavItem[] {
  const items: NavItem[] = [];
  if (user.isProviderStaff) {
    items.push({ href: "/provider", label: "All tenants", icon: Building, match: (p) => p === "/provider" });
  }
  if (tenantSlug) {
    const base = `/t/${tenantSlug}`;
    items.push(
      {
        href: base,
        label: "Overview",
        icon: LayoutDashboard,
        match: (p) => p === base || /^\/t\/[^/]+\/monitors\/[0-9a-f-]{36}$/.test(p),
      },
      {
        href: `${base}/monitors`,
        label: "Monitors",
        icon: ListChecks,
        match: (p) => p === `${base}/monitors` || p.startsWith(`${base}/monitors/new`) || p.endsWith("/edit"),
      },
      { href: `${base}/incidents`, label: "Incidents", icon: Siren, match: (p) => p.startsWith(`${base}/incidents`) },
      { href: `${base}/settings`, label: "Settings", icon: Settings, match: (p) => p.startsWith(`${base}/settings`) },
    );
  }
  if (user.canSeeFleet) {
    items.push({ href: "/fleet", label: "Probe fleet", icon: Server, match: (p) => p === "/fleet" });
  }
  return items;
}

function Logo() {
  return (
    <Link href="/" className="flex items-center gap-2 rounded-md font-semibold tracking-tight">
      <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
        <Activity aria-hidden="true" className="size-4" />
      </span>
      Steward
    </Link>
  );
}

function TenantSwitcher({ user, current }: { user: ShellUser; current: ShellUser["tenants"][number] | undefined }) {
  if (!user.isProviderStaff) {
    return current ? (
      <div className="truncate px-2 text-sm font-medium" title={current.name}>
        {current.name}
      </div>
    ) : null;
  }
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" className="w-full justify-between">
          <span className="truncate">
            <span className="sr-only">Switch tenant: </span>
            {current ? current.name : "Choose a tenant"}
          </span>
          <ChevronsUpDown aria-hidden="true" className="opacity-60" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-56">
        <DropdownMenuLabel>Tenants you can reach</DropdownMenuLabel>
        {user.tenants.length === 0 ? (
          <DropdownMenuItem disabled>No tenants in your scope</DropdownMenuItem>
        ) : (
          user.tenants.map((t) => (
            <DropdownMenuItem key={t.id} asChild>
              <Link href={`/t/${t.slug}`} aria-current={t.slug === current?.slug ? "page" : undefined}>
                <Building aria-hidden="true" />
                <span className="truncate">{t.name}</span>
              </Link>
            </DropdownMenuItem>
          ))
        )}
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/provider">All tenants</Link>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function UserMenu({ user }: { user: ShellUser }) {
  const { theme, setTheme } = useTheme();
  const { pref, setPref } = useTimeZonePref();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="gap-2 px-2">
          <span className="sr-only">Account menu: </span>
          <span
            aria-hidden="true"
            className="flex size-7 items-center justify-center rounded-full bg-secondary text-xs font-semibold uppercase"
          >
            {user.name.slice(0, 1) || user.email.slice(0, 1)}
          </span>
          <span className="hidden max-w-40 truncate text-sm sm:inline">{user.name || user.email}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <DropdownMenuLabel className="font-normal">
          <div className="truncate text-sm font-medium text-foreground">{user.name}</div>
          <div className="truncate text-xs">{user.email}</div>
          <div className="mt-1 text-xs">{user.roleLabel}</div>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/settings/account">
            <KeyRound aria-hidden="true" /> Account &amp; password
          </Link>
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuLabel>Theme</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={theme ?? "system"} onValueChange={setTheme}>
          <DropdownMenuRadioItem value="light">Light</DropdownMenuRadioItem>
          <DropdownMenuRadioItem value="dark">Dark</DropdownMenuRadioItem>
          <DropdownMenuRadioItem value="system">System</DropdownMenuRadioItem>
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuLabel>Show times in</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={pref} onValueChange={(v) => setPref(v === "utc" ? "utc" : "tenant")}>
          <DropdownMenuRadioItem value="tenant">Tenant's time zone</DropdownMenuRadioItem>
          <DropdownMenuRadioItem value="utc">UTC</DropdownMenuRadioItem>
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void signOut({ callbackUrl: "/login" })}>
          <LogOut aria-hidden="true" /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

export function AppShell({ user, children }: { user: ShellUser; children: React.ReactNode }) {
  const pathname = usePathname() ?? "/";
  const slug = /^\/t\/([^/]+)/.exec(pathname)?.[1] ?? (user.isProviderStaff ? null : (user.tenants[0]?.slug ?? null));
  const current = user.tenants.find((t) => t.slug === slug);
  const nav = navFor(user, current ? slug : null);
  const navLinks = (mobile: boolean) =>
    nav.map((item) => {
      const active = item.match(pathname);
      const Icon = item.icon;
      return (
        <Link
          key={item.href}
          href={item.href as never}
          aria-current={active ? "page" : undefined}
          className={cn(
            "flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-accent-foreground",
            active && "bg-accent text-accent-foreground",
            mobile && "shrink-0",
          )}
        >
          <Icon aria-hidden="true" className="size-4" />
          {item.label}
        </Link>
      );
    });

  return (
    <LiveProvider>
      <div className="flex min-h-dvh">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-background px-3 py-2 focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:ring-2 focus:ring-ring"
        >
          Skip to content
        </a>
        <div className="hidden w-60 shrink-0 border-r border-border bg-sidebar md:block">
          <aside className="sticky top-0 flex h-dvh flex-col gap-4 p-3">
            <div className="px-1 py-1.5">
              <Logo />
            </div>
            <TenantSwitcher user={user} current={current} />
            <nav aria-label="Main" className="flex flex-col gap-0.5">
              {navLinks(false)}
            </nav>
            <div className="mt-auto px-2 text-xs text-muted-foreground">
              <UserRound aria-hidden="true" className="mr-1 inline size-3.5" />
              {user.roleLabel}
            </div>
          </aside>
        </div>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-border bg-background/90 px-4 backdrop-blur">
            <div className="md:hidden">
              <Logo />
            </div>
            <div className="ml-auto flex items-center gap-3">
              <LiveIndicator />
              <div className="w-44 md:hidden">
                {user.isProviderStaff ? <TenantSwitcher user={user} current={current} /> : null}
              </div>
              <UserMenu user={user} />
            </div>
          </header>
          {nav.length > 0 ? (
            <nav
              aria-label="Main (mobile)"
              className="flex gap-1 overflow-x-auto border-b border-border px-3 py-2 md:hidden"
            >
              {navLinks(true)}
            </nav>
          ) : null}
          <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 outline-none md:px-8">
            {children}
          </main>
        </div>
      </div>
    </LiveProvider>
  );
}
