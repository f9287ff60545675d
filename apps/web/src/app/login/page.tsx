import { Card, CardContent, CardDescription, CardHeader } from "@steward/ui";
import { Activity } from "lucide-react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeRedirectPath } from "~/lib/safe-redirect.ts";
import { getOptionalMe } from "~/trpc/server.ts";
import { LoginForm } from "./login-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl);
  if (await getOptionalMe()) redirect(callbackUrl as never);
  const notice =
    params.reason === "expired"
      ? "Your session has ended. Please sign in again."
      : params.reason === "password-changed"
        ? "Your password was changed and every session was signed out. Sign in with the new password."
        : null;
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-muted/40 px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex items-center justify-center gap-2 text-lg font-semibold tracking-tight">
          <span className="flex size-8 items-center justify-center rounded-md bg-primary text-primary-foreground">
            <Activity aria-hidden="true" className="size-4" />
          </span>
          Steward
        </div>
        <Card>
          <CardHeader>
            <h1 className="text-lg font-semibold leading-tight">Sign in</h1>
            <CardDescription>Use your work e-mail and password.</CardDescription>
          </CardHeader>
          <CardContent>
            <LoginForm callbackUrl={callbackUrl} notice={notice} />
          </CardContent>
        </Card>
      </div>
    </main>
  );
}
