// A bare node:http (or https) target in its own process, for B1/B2: answers 200 "ok" to everything.
// Usage: node target-server.mjs <port> [keyFile certFile]; prints "listening" when ready.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

const [port, key, cert] = process.argv.slice(2);
const handler = (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
  res.end("ok");
};
const server = key
  ? https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, handler)
  : http.createServer(handler);
server.keepAliveTimeout = 5_000;
server.listen(Number(port), "127.0.0.1", () => process.stdout.write("listening\n"));
process.on("SIGTERM", () => process.exit(0));
