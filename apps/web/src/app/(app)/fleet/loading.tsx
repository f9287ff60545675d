import { Skeleton } from "@steward/ui";

export default function Loading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the probe fleet" className="space-y-4">
      <Skeleton className="h-8 w-48" />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {[1, 2, 3, 4].map((i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
      <Skeleton className="h-72 w-full" />
    </div>
  );
}
