import { Card, CardContent, CardHeader, Skeleton } from "@steward/ui";

export default function Loading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading monitor">
      <Skeleton className="mb-3 h-4 w-24" />
      <Skeleton className="mb-2 h-8 w-56" />
      <Skeleton className="mb-6 h-4 w-72" />
      <div className="grid gap-6">
        {[260, 160, 200].map((h) => (
          <Card key={h}>
            <CardHeader>
              <Skeleton className="h-5 w-40" />
            </CardHeader>
            <CardContent>
              <Skeleton className="w-full" style={{ height: h }} />
            </CardContent>
          </Card>
        ))}
      </div>
    </div>
  );
}
