"use client";
import { Button, Input, Label } from "@steward/ui";
import { useMutation } from "@tanstack/react-query";
import { CircleExclamationPoint, LoaderCircle } from "lucide-react";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useTRPC } from "~/trpc/react.tsx";

const MIN = 12;

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation(
    trpc.me.changePassword.mutationOptions({
      onSuccess: () => void signOut({ callbackUrl: "/login?reason=password-changed" }),
      onError: (e) => setError(e.message || "Could not change the password."),
    }),
  );
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const currentPassword = String(f.get("currentPassword") ?? "");
        const newPassword = String(f.get("newPassword") ?? "");
        const confirm = String(f.get("confirm") ?? "");
        if (newPassword.length < MIN) return setError(`The new password needs at least ${MIN} characters.`);
        if (newPassword !== confirm) return setError("The new passwords do not match.");
        setError(null);
        change.mutate({ currentPassword, newPassword });
      }}
    >
      {error ? (
        <p
          role="alert"
          className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-status-down-foreground"
        >
          <CircleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          {error}
        </p>
      ) : null}
      <div className="space-y-2">
        <Label htmlFor="currentPassword">Current password</Label>
        <Input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required />
      </div>
      <div className="space-y-2">
        <Label htmlFor="newPassword">New password</Label>
        <Input
          id="newPassword"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={MIN}
          required
          aria-describedby="pw-hint"
        />
        <p id="pw-hint" className="text-xs text-muted-foreground">
          At least {MIN} characters.
        </p>
      </div>
      <div className="space-y-2">
        <Label htmlFor="confirm">Confirm new password</Label>
        <Input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      </div>
      <Button type="submit" disabled={change.isPending}>
        {change.isPending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
        Change password
      </Button>
    </form>
  );
}
