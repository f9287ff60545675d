import type { Channel, ChannelKind } from "./channel.ts";
import { emailChannel } from "./email.ts";
import { pagerDutyChannel } from "./pagerduty.ts";
import { slackChannel } from "./slack.ts";
import { teamsChannel } from "./teams.ts";
import { webhookChannel } from "./webhook.ts";

export * from "./channel.ts";
export * from "./email.ts";
export * from "./pagerduty.ts";
export * from "./slack.ts";
export * from "./teams.ts";
export * from "./webhook.ts";

/** Every channel module by kind. */
export const CHANNELS = {
  EMAIL: emailChannel,
  SLACK: slackChannel,
  TEAMS: teamsChannel,
  WEBHOOK: webhookChannel,
  PAGERDUTY: pagerDutyChannel,
} as const satisfies Record<ChannelKind, Channel>;

export function getChannel(kind: string): Channel | undefined {
  return Object.hasOwn(CHANNELS, kind) ? (CHANNELS as Record<string, Channel>)[kind] : undefined;
}
