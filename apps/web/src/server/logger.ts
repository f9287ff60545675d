import "server-only";
import pino from "pino";
import { env } from "../env.ts";

/** Structured JSON logs; child loggers carry the request id. */
export const logger = pino({
  name: "web",
  level: env.LOG_LEVEL,
  redact: { paths: ["password", "*.password", "req.headers.cookie", "req.headers.authorization"], remove: true },
});

export function requestLogger(requestId: string) {
  return logger.child({ requestId });
}
