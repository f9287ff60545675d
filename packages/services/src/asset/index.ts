export * from "./list-assets.ts";
