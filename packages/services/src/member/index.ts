export * from "./list-members.ts";
export * from "./member-guards.ts";
export * from "./remove-member.ts";
export * from "./update-member-role.ts";
