import { Skeleton } from "@steward/ui";

export default function Loading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading monitors" className="space-y-4">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-10 w-full" />
      <Skeleton className="h-96 w-full" />
    </div>
  );
}
