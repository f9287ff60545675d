// A minimal COPY ... FROM STDIN for `pg` (what pg-copy-streams does, without a stream): a Submittable
// that sends pre-built text-format chunks once the server asks for them. Bench-only (the COPY ceiling).
import type pg from "pg";

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyIn {
  rowCount = 0;
  private error: unknown = null;
  constructor(
    readonly text: string,
    private readonly chunks: readonly Buffer[],
    private readonly done: (err: unknown, rowCount: number) => void,
  ) {}
  submit(connection: Connection) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: Connection) {
    for (const c of this.chunks) connection.sendCopyFromChunk(c);
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text?: string }) {
    this.rowCount = Number(/(\d+)$/.exec(msg.text ?? "")?.[1] ?? 0);
  }
  handleError(err: unknown) {
    this.error = err;
  }
  handleReadyForQuery() {
    this.done(this.error, this.rowCount);
  }
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
}

/** COPY `sql` (… FROM STDIN) with the given text-format payload; resolves with the row count. */
export function copyIn(client: pg.ClientBase, sql: string, payload: string | Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const buf = typeof payload === "string" ? Buffer.from(payload) : payload;
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 64 * 1024) chunks.push(buf.subarray(i, i + 64 * 1024));
    const q = new CopyIn(sql, chunks, (err, n) => (err ? reject(err) : resolve(n)));
    (client as unknown as { query(q: CopyIn): void }).query(q);
  });
}
