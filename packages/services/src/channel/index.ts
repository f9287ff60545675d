export {
  ChannelKindInput,
  type ChannelView,
  channelSecretOwner,
  openChannelSecrets,
  sealChannelSecrets,
} from "./channel-fields.ts";
export * from "./create-channel.ts";
export * from "./delete-channel.ts";
export * from "./list-channels.ts";
export * from "./update-channel.ts";
