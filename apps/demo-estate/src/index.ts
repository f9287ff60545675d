export * from "./estate.ts";
