"use client";
import { useEffect } from "react";
import { ErrorState } from "~/components/error-state.tsx";

export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.warn("page error", error.digest ?? error.message);
  }, [error]);
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-16">
      <ErrorState
        message="This page could not be loaded. Try again in a moment."
        onRetry={reset}
        digest={error.digest}
      />
    </main>
  );
}
