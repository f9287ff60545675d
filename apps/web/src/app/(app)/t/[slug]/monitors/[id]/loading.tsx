import { Card, CardContent, CardHeader, Skeleton } from "@steward/ui";

export default function Loading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading monitor">
      <Skeleton className="mb-3 h-4 w-24" />
      <Skeleton className="mb-2 h-8 w-56" />
      <Skeleton className="mb-6 h-4 w-72" />
      <div className="grid gap-6">
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          {[1, 2, 3].map((k) => (
            <Card key={k}>
              <CardContent className="space-y-2 p-5">
                <Skeleton className="h-7 w-20" />
                <Skeleton className="h-4 w-36" />
              </CardContent>
            </Card>
          ))}
        </div>
        {[120, 260, 48, 200].map((h) => (
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
