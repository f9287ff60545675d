"use client";

/** Last-resort boundary (the root layout itself failed): plain HTML, no providers. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body
        style={{
          fontFamily: "system-ui, sans-serif",
          display: "grid",
          placeItems: "center",
          minHeight: "100dvh",
          margin: 0,
        }}
      >
        <main style={{ textAlign: "center", padding: 24 }}>
          <h1 style={{ fontSize: 22, marginBottom: 8 }}>Steward is having trouble</h1>
          <p style={{ color: "#555", marginBottom: 16 }}>
            Something went wrong while loading the app. Please try again.
          </p>
          {error.digest ? <p style={{ color: "#777", fontSize: 12 }}>Reference: {error.digest}</p> : null}
          <button
            type="button"
            onClick={reset}
            style={{ padding: "8px 16px", borderRadius: 6, border: "1px solid #ccc", cursor: "pointer" }}
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
