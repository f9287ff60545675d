import { Card, CardContent, Skeleton } from "@steward/ui";

export default function Loading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading incidents">
      <Skeleton className="mb-2 h-8 w-36" />
      <Skeleton className="mb-6 h-4 w-64" />
      <Skeleton className="mb-4 h-10 w-80" />
      <Card>
        <CardContent className="space-y-3 p-5">
          {[0, 1, 2, 3, 4].map((i) => (
            <Skeleton key={i} className="h-10 w-full" />
          ))}
        </CardContent>
      </Card>
    </div>
  );
}
