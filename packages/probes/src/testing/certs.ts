import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { requireBinary } from "./peers.ts";

export interface TestCert {
  key: string;
  cert: string;
}

export interface TestPki {
  ca: TestCert;
  /** A leaf signed by the test CA for `sans` (e.g. ["DNS:steward.test", "IP:127.0.0.1"]). */
  leaf(opts: { cn: string; sans: string[]; notBefore?: Date; notAfter: Date }): TestCert;
  /** A self-signed certificate (its own issuer, not trusted by anyone). */
  selfSigned(opts: { cn: string; sans: string[]; days: number }): TestCert;
  dispose(): void;
}

const asn1Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;

/** A throwaway PKI made with the openssl CLI (Debian's openssl package) in a temp dir. */
export function createTestPki(): TestPki {
  const openssl = requireBinary("openssl", "openssl");
  const dir = mkdtempSync(path.join(tmpdir(), "steward-pki-"));
  const run = (args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

  run([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "30",
    "-subj",
    "/CN=Steward Test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  writeFileSync(path.join(dir, "index.txt"), "");
  writeFileSync(path.join(dir, "serial"), "1000\n");
  writeFileSync(
    path.join(dir, "ca.cnf"),
    [
      "[ ca ]",
      "default_ca = test_ca",
      "[ test_ca ]",
      `dir = ${dir}`,
      `database = ${dir}/index.txt`,
      `new_certs_dir = ${dir}`,
      `serial = ${dir}/serial`,
      "default_md = sha256",
      "policy = any",
      "copy_extensions = copy",
      "unique_subject = no",
      "[ any ]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  let n = 0;
  return {
    ca: { key: read("ca.key"), cert: read("ca.pem") },
    leaf({ cn, sans, notBefore = new Date(Date.now() - 60_000), notAfter }) {
      const id = `leaf${n++}`;
      run([
        "req",
        "-new",
        ...ec,
        "-keyout",
        `${id}.key`,
        "-out",
        `${id}.csr`,
        "-subj",
        `/CN=${cn}`,
        "-addext",
        `subjectAltName=${sans.join(",")}`,
      ]);
      run([
        "ca",
        "-batch",
        "-notext",
        "-config",
        "ca.cnf",
        "-cert",
        "ca.pem",
        "-keyfile",
        "ca.key",
        "-in",
        `${id}.csr`,
        "-out",
        `${id}.pem`,
        "-startdate",
        asn1Time(notBefore),
        "-enddate",
        asn1Time(notAfter),
      ]);
      return { key: read(`${id}.key`), cert: read(`${id}.pem`) };
    },
    selfSigned({ cn, sans, days }) {
      const id = `self${n++}`;
      run([
        "req",
        "-x509",
        ...ec,
        "-keyout",
        `${id}.key`,
        "-out",
        `${id}.pem`,
        "-days",
        String(days),
        "-subj",
        `/CN=${cn}`,
        "-addext",
        `subjectAltName=${sans.join(",")}`,
      ]);
      return { key: read(`${id}.key`), cert: read(`${id}.pem`) };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
