export * from "./authenticate-with-password.ts";
export * from "./change-password.ts";
export * from "./hash-password.ts";
export * from "./revoke-session.ts";
export * from "./validate-session.ts";
