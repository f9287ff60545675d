export interface ShellTenant {
  id: string;
  name: string;
  slug: string;
  timezone: string;
}

/** What the app shell needs to know about the signed-in user (plain data, passed to client components). */
export interface ShellUser {
  name: string;
  email: string;
  isProviderStaff: boolean;
  /** Provider admin or engineer: may open the probe-fleet page. */
  canSeeFleet: boolean;
  roleLabel: string;
  tenants: ShellTenant[];
}

export const ROLE_LABELS: Record<string, string> = {
  PROVIDER_ADMIN: "Provider admin",
  ENGINEER: "Engineer",
  ACCOUNT_MANAGER: "Account manager",
  CLIENT_ADMIN: "Client admin",
  CLIENT_VIEWER: "Client viewer",
};
