import { Button } from "@steward/ui";
import { Compass } from "lucide-react";
import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-[60dvh] flex-col items-center justify-center gap-4 px-4 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-muted">
        <Compass aria-hidden="true" className="size-6 text-muted-foreground" />
      </div>
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="max-w-md text-sm text-muted-foreground">
          This page does not exist, or you do not have access to it. Check the address, or head back home.
        </p>
      </div>
      <Button asChild>
        <Link href="/">Go to your dashboard</Link>
      </Button>
    </main>
  );
}
