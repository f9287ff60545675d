// Playwright runs Debian's Chromium (its own browser download is unreachable on these machines).
import { existsSync } from "node:fs";
import { aptInstall } from "./apt.mjs";
import { capture, FatalError, log } from "./util.mjs";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

function version(bin) {
  const r = capture(bin, ["--version"]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * Returns the Chromium executable for Playwright: $CHROMIUM_PATH when set, else /usr/bin/chromium
 * (installed with apt as root when missing; otherwise the exact command to run is printed).
 * Also exports CHROMIUM_PATH for the Playwright config.
 */
export async function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (!existsSync(wanted)) {
    if (process.env.CHROMIUM_PATH) throw new FatalError(`CHROMIUM_PATH=${wanted} does not exist`);
    await aptInstall(["chromium"], "Chromium (for the browser tests) is not installed at /usr/bin/chromium");
    if (!existsSync(wanted))
      throw new FatalError("the chromium package was installed but /usr/bin/chromium is missing");
  }
  const v = version(wanted);
  if (!v) throw new FatalError(`${wanted} --version failed; is Chromium installed correctly?`);
  log(`${v} (${wanted})`);
  process.env.CHROMIUM_PATH = wanted;
  return wanted;
}
