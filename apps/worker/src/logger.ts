import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ name: "worker", level, base: { service: "steward-worker" } });
}
