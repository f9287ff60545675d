import { Button, EmptyState } from "@steward/ui";
import { Compass } from "lucide-react";
import Link from "next/link";

export default function AppNotFound() {
  return (
    <div className="py-10">
      <h1 className="sr-only">Page not found</h1>
      <EmptyState
        icon={Compass}
        title="Page not found"
        description="This page does not exist, or you do not have access to it."
        action={
          <Button asChild>
            <Link href="/">Go to your dashboard</Link>
          </Button>
        }
      />
    </div>
  );
}
