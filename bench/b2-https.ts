// B2: HTTPS probes with a full handshake (+ certificate read) through the product's HTTP probe, vs raw
// `tls.connect` + getPeerCertificate() in the same process against the same node:https target (its own
// process). Targets: >= 80 % of the raw tls.connect rate; <= 2 ms CPU per probe (process.cpuUsage).
// The target's certificate is issued by a CA this run makes; the measuring process trusts it through
// NODE_EXTRA_CA_CERTS (read at start-up, so the script re-executes itself once with it set).
import { spawn } from "node:child_process";
import { setMaxListeners } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { envNumber, freePort, log, report, requireBinary, round, run, startProcess } from "./lib/harness.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);

if (!process.env.BENCH_B2_DIR) {
  const openssl = requireBinary("openssl", "openssl");
  const dir = mkdtempSync(path.join(tmpdir(), "steward-b2-"));
  const f = (n: string) => path.join(dir, n);
  try {
    // CA (RSA 2048) and a server certificate for 127.0.0.1 signed by it (RSA 2048, like most sites), valid
    // for 90 days: the probe fails a certificate with fewer than 14 days left (certExpiryWarningDays).
    await run(openssl, [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "90",
      "-subj",
      "/CN=Steward Bench CA",
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.crt"),
    ]);
    await run(openssl, [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      f("srv.key"),
      "-out",
      f("srv.csr"),
    ]);
    writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
    await run(openssl, [
      "x509",
      "-req",
      "-in",
      f("srv.csr"),
      "-CA",
      f("ca.crt"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-days",
      "90",
      "-extfile",
      f("ext.cnf"),
      "-out",
      f("srv.crt"),
    ]);
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", self], {
        stdio: "inherit",
        env: { ...process.env, BENCH_B2_DIR: dir, NODE_EXTRA_CA_CERTS: f("ca.crt") },
      });
      child.on("close", resolve);
    });
    process.exitCode = code ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  const { createSsrfGuard, httpProbe } = await import("../packages/probes/src/index.ts");
  const dir = process.env.BENCH_B2_DIR;
  const SECONDS = envNumber("BENCH_DURATION_S", 5);
  const ROUNDS = envNumber("BENCH_ROUNDS", 2);
  const SWEEP = (process.env.BENCH_CONCURRENCY ?? "8,32,128").split(",").map(Number);
  const port = await freePort();
  const target = await startProcess(process.execPath, [
    path.join(here, "lib/target-server.mjs"),
    String(port),
    path.join(dir, "srv.key"),
    path.join(dir, "srv.crt"),
  ]);
  try {
    const measure = async (concurrency: number, once: () => Promise<boolean>) => {
      let ok = 0;
      let failed = 0;
      const deadline = performance.now() + SECONDS * 1000;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < deadline) {
            if (await once()) ok++;
            else failed++;
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return {
        concurrency,
        perSec: round(ok / secs, 0),
        failed,
        cpuMsPerOp: round((cpu.user + cpu.system) / 1000 / Math.max(1, ok + failed), 3),
      };
    };

    // Ceiling: raw tls.connect (full handshake, chain + hostname verified) + getPeerCertificate().
    let tlsError = "";
    const rawOnce = () =>
      new Promise<boolean>((resolve) => {
        const socket = tls.connect({ host: "127.0.0.1", port }, () => {
          const cert = socket.getPeerCertificate();
          const good = socket.authorized && typeof cert.valid_to === "string";
          socket.destroy();
          resolve(good);
        });
        socket.on("error", (err) => {
          tlsError = err.message;
          resolve(false);
        });
      });
    // Ours: the product's HTTP probe on an https:// URL (new connection, full handshake each).
    const ssrf = createSsrfGuard({ allowCidrs: ["127.0.0.0/8"] });
    const config = httpProbe.configSchema.parse({ url: `https://127.0.0.1:${port}/` });
    const signal = new AbortController().signal;
    setMaxListeners(0, signal);
    let probeError = "";
    let resultKeys: string[] = [];
    const probeOnce = async () => {
      const r = await httpProbe.run(config, { signal, timeoutMs: 10_000, ssrf });
      if (!r.ok) probeError = r.error ?? "";
      resultKeys = Object.keys(r);
      return r.ok;
    };

    // The machine is shared: raw and probe phases alternate (per concurrency, over BENCH_ROUNDS rounds) so
    // that a change of load weighs on both alike; each side keeps its best phase.
    const raw = [];
    const ours = [];
    for (let n = 1; n <= ROUNDS; n++) {
      for (const c of SWEEP) {
        const r = await measure(c, rawOnce);
        raw.push({ round: n, ...r });
        log(`raw tls.connect c=${c}: ${r.perSec}/s, ${r.cpuMsPerOp} ms CPU each, ${r.failed} failed ${tlsError}`);
        const o = await measure(c, probeOnce);
        ours.push({ round: n, ...o });
        log(`https probe c=${c}: ${o.perSec} probes/s, ${o.cpuMsPerOp} ms CPU each, ${o.failed} failed ${probeError}`);
      }
    }
    const best = <T extends { perSec: number }>(xs: T[]) => xs.reduce((a, b) => (b.perSec > a.perSec ? b : a));
    const b = best(ours);
    const ceiling = best(raw);
    const ratio = round(b.perSec / ceiling.perSec, 3);
    // Does the probe hand back certificate data (expiry etc.)? Anything beyond the basic result fields.
    const certificateRead = resultKeys.some((k) => !["ok", "unknown", "latencyMs", "statusCode", "error"].includes(k));
    report({
      bench: "B2",
      value: b.perSec,
      unit: "probes/s",
      ceiling: ceiling.perSec,
      ratio,
      target: ">= 0.8 ratio; <= 2 ms CPU per probe",
      pass: ratio >= 0.8 && b.cpuMsPerOp <= 2 && ours.every((o) => o.failed === 0),
      cpuMsPerProbe: b.cpuMsPerOp,
      cpuMsPerRawHandshake: ceiling.cpuMsPerOp,
      bestConcurrency: b.concurrency,
      certificateRead,
      probeResultKeys: resultKeys,
      sweep: { ours, raw },
      seconds: SECONDS,
    });
  } finally {
    await target.stop();
  }
}
