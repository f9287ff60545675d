import { describe, expect, it } from "vitest";
import { IcmpProbeConfig, parsePingOutput } from "./icmp-probe.ts";

describe("iputils ping output parser", () => {
  it("reads counts and average rtt", () => {
    const out = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.189 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.040 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 208ms
rtt min/avg/max/mdev = 0.040/0.114/0.189/0.074 ms
`;
    expect(parsePingOutput(out)).toEqual({ transmitted: 2, received: 2, avgMs: 0.114 });
  });

  it("total loss has no rtt line; errors count too", () => {
    const out = `PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.

--- 192.0.2.1 ping statistics ---
3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2003ms
`;
    expect(parsePingOutput(out)).toEqual({ transmitted: 3, received: 0, avgMs: null });
    expect(parsePingOutput("ping: connect: Network is unreachable\n")).toBeNull();
  });

  it("config: minReplies cannot exceed count", () => {
    expect(IcmpProbeConfig.safeParse({ host: "192.0.2.1", count: 2, minReplies: 3 }).success).toBe(false);
    expect(IcmpProbeConfig.parse({ host: "192.0.2.1" })).toMatchObject({ count: 3, minReplies: 1 });
  });
});
