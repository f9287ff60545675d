import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@steward/ui";
import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header.tsx";
import { toShellUser } from "~/lib/me.ts";
import { getMe } from "~/trpc/server.ts";
import { ChangePasswordForm } from "./change-password-form.tsx";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = toShellUser(await getMe());
  return (
    <div className="max-w-2xl">
      <PageHeader title="Account" description="Your profile and password." />
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Profile</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-muted-foreground">Name</dt>
              <dd>{user.name}</dd>
              <dt className="text-muted-foreground">E-mail</dt>
              <dd>{user.email}</dd>
              <dt className="text-muted-foreground">Role</dt>
              <dd>{user.roleLabel}</dd>
              <dt className="text-muted-foreground">Tenants</dt>
              <dd>{user.tenants.length ? user.tenants.map((t) => t.name).join(", ") : "None"}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Change password</CardTitle>
            <CardDescription>Changing your password signs you out everywhere, including here.</CardDescription>
          </CardHeader>
          <CardContent>
            <ChangePasswordForm />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
