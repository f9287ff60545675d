// Real protocol peers the tests start or call (no mocks): installed from Debian when missing.
import { existsSync } from "node:fs";
import { aptInstall } from "./apt.mjs";
import { log, which } from "./util.mjs";

/** binary → Debian package providing it. */
export const TEST_PEERS = [
  { bin: "ping", pkg: "iputils-ping", why: "ICMP probe tests" },
  { bin: "prometheus-node-exporter", pkg: "prometheus-node-exporter", why: "Prometheus probe tests" },
  { bin: "mosquitto", pkg: "mosquitto", why: "MQTT probe tests", paths: ["/usr/sbin/mosquitto"] },
  { bin: "mosquitto_passwd", pkg: "mosquitto", why: "MQTT probe tests (auth)" },
  { bin: "redis-server", pkg: "redis-server", why: "Redis probe tests (auth)" },
  { bin: "openssl", pkg: "openssl", why: "TLS probe tests (test certificates)" },
];

function present(peer) {
  return Boolean(which(peer.bin)) || (peer.paths ?? []).some((p) => existsSync(p));
}

/** Installs the Debian packages of missing peers (as root), else stops with the exact apt command. */
export async function ensureTestPeers() {
  const missing = TEST_PEERS.filter((p) => !present(p));
  if (missing.length === 0) {
    log(`test peers present: ${[...new Set(TEST_PEERS.map((p) => p.bin))].join(", ")}`);
    return;
  }
  const pkgs = [...new Set(missing.map((p) => p.pkg))];
  await aptInstall(pkgs, `Missing test peers (${missing.map((p) => `${p.bin} for ${p.why}`).join("; ")})`);
}
