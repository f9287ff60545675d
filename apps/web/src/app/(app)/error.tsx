"use client";
import { useRouter } from "next/navigation";
import { startTransition, useEffect } from "react";
import { ErrorState } from "~/components/error-state.tsx";

export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  useEffect(() => {
    console.warn("page error", error.digest ?? error.message);
  }, [error]);
  return (
    <ErrorState
      message="This part of the page could not be loaded. Try again in a moment."
      digest={error.digest}
      onRetry={() =>
        startTransition(() => {
          router.refresh();
          reset();
        })
      }
    />
  );
}
