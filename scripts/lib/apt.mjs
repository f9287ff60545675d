// Install Debian packages when running as root; otherwise tell the user the exact command.
import { FatalError, isRoot, log, runOrFail, which } from "./util.mjs";

let updated = false;

/** `apt-get install -y <packages>` as root (one `apt-get update` per process); else a FatalError. */
export async function aptInstall(packages, why) {
  const cmd = `apt-get install -y ${packages.join(" ")}`;
  if (!which("apt-get")) {
    throw new FatalError(`${why}. Install these packages with your system's package manager: ${packages.join(", ")}`);
  }
  if (!isRoot()) {
    throw new FatalError(
      `${why}. Install ${packages.length > 1 ? "them" : "it"} with this command, then run again:\n\n    sudo apt-get update && sudo ${cmd}\n`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!updated) {
    log("apt-get update …");
    await runOrFail("apt-get update", "apt-get", ["update"], { env });
    updated = true;
  }
  log(`${cmd} …`);
  await runOrFail(cmd, "apt-get", ["install", "-y", ...packages], { env });
}
