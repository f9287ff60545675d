"use client";
import { Button, Input, Label } from "@steward/ui";
import { CircleExclamationPoint, Info, LoaderCircle } from "lucide-react";
import { signIn } from "next-auth/react";
import { useId, useState } from "react";
import { safeRedirectPath } from "~/lib/safe-redirect.ts";

function messageFor(code: string | null | undefined): string {
  if (!code) return "Sign-in failed. Please try again.";
  if (code.startsWith("RATE_LIMITED")) {
    const seconds = Number(code.split(":")[1]) || 60;
    return `Too many sign-in attempts. Please wait ${seconds} second${seconds === 1 ? "" : "s"} and try again.`;
  }
  if (code.startsWith("BUSY")) return "The server is busy. Please try again in a moment.";
  if (code === "INVALID_CREDENTIALS" || code === "CredentialsSignin") return "Invalid e-mail or password.";
  return "Sign-in failed. Please try again.";
}

export function LoginForm({ callbackUrl, notice }: { callbackUrl: string; notice: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorId = useId();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (!res || res.error || !res.ok) {
        setError(messageFor(res?.error));
        setPending(false);
        return;
      }
      // Re-checked here too: the prop is the server's, but nothing else may ever reach location.assign.
      window.location.assign(safeRedirectPath(callbackUrl));
    } catch {
      setError("Sign-in failed. Please try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-describedby={error ? errorId : undefined}>
      {notice && !error ? (
        <p className="flex items-start gap-2 rounded-md border border-border bg-muted p-3 text-sm">
          <Info aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          {notice}
        </p>
      ) : null}
      {error ? (
        <p
          id={errorId}
          role="alert"
          className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-status-down-foreground"
        >
          <CircleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          {error}
        </p>
      ) : null}
      <div className="space-y-2">
        <Label htmlFor="email">E-mail</Label>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          aria-invalid={!!error || undefined}
        />
      </div>
      <div className="space-y-2">
        <Label htmlFor="password">Password</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={!!error || undefined}
        />
      </div>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
