#!/usr/bin/env node
/**
 * moto's server mode (a local emulator of the AWS APIs) for the collector's tests and .ci/run.
 *
 *   node scripts/moto.mjs install            install moto[server] into .cache/moto-venv if absent
 *   node scripts/moto.mjs start              start on 127.0.0.1:<free port>; prints {"endpoint","port","pid"}
 *   node scripts/moto.mjs stop <pid>         stop the server started with that pid
 *   node scripts/moto.mjs run -- <cmd...>    start, run <cmd> with AWS_ENDPOINT_URL set, stop, exit with its code
 *
 * Pinned: moto 5.2.5 (what the tests were written against; newer versions implement more
 * operations, which would change which calls the tests expect to fail). Python 3 with venv is
 * the only prerequisite. The server binds 127.0.0.1 only: it accepts any credentials.
 */

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MOTO_VERSION = "5.2.5";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(root, ".cache", "moto-venv");
const bin = (name) => join(venv, process.platform === "win32" ? "Scripts" : "bin", name);

function fail(message) {
  process.stderr.write(`moto: ${message}\n`);
  process.exit(1);
}

function installedVersion() {
  if (!existsSync(bin("python"))) return null;
  const r = spawnSync(bin("python"), ["-c", "import moto, flask; print(moto.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function install() {
  if (installedVersion() === MOTO_VERSION && existsSync(bin("moto_server"))) return;
  mkdirSync(dirname(venv), { recursive: true });
  const python = process.env.PYTHON ?? "python3";
  if (!existsSync(bin("python"))) {
    const r = spawnSync(python, ["-m", "venv", venv], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) fail(`could not create a virtual environment with ${python} -m venv ${venv}`);
  }
  const r = spawnSync(bin("pip"), ["install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0 || installedVersion() !== MOTO_VERSION) fail(`pip could not install moto[server]==${MOTO_VERSION} into ${venv}`);
}

function freePort() {
  return new Promise((ok, ko) => {
    const server = createServer();
    server.once("error", ko);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => ok(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitUntilUp(endpoint, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      // moto's own API (not an AWS operation): answers once the server is ready.
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Start a server; resolves to {endpoint, port, pid}. The process is detached so it outlives `start`. */
export async function start({ timeoutMs = 30_000 } = {}) {
  install();
  // A port can be taken between probing and binding; retry a few times on an early exit.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(bin("moto_server"), ["-H", "127.0.0.1", "-p", String(port)], {
      detached: true,
      stdio: "ignore",
      // AWS managed policies (arn:aws:iam::aws:policy/…) exist only when moto is asked to load them.
      env: { ...process.env, MOTO_CALL_RESET_API: "false", MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
    });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilUp(endpoint, child, timeoutMs);
      child.unref();
      return { endpoint, port, pid: child.pid };
    } catch (e) {
      try {
        process.kill(child.pid);
      } catch {
        // already gone
      }
      if (attempt >= 3) throw e;
    }
  }
}

/** Stop the server with this pid (only that process: it was started detached, in its own group). */
export function stop(pid) {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already stopped
    }
  }
}

async function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case "install":
      install();
      process.stdout.write(`moto ${MOTO_VERSION} in ${venv}\n`);
      return 0;
    case "start": {
      const server = await start();
      process.stdout.write(`${JSON.stringify(server)}\n`);
      return 0;
    }
    case "stop": {
      const pid = Number(rest[0]);
      if (!Number.isInteger(pid) || pid <= 0) fail("usage: node scripts/moto.mjs stop <pid>");
      stop(pid);
      return 0;
    }
    case "run": {
      const cmd = rest[0] === "--" ? rest.slice(1) : rest;
      if (cmd.length === 0) fail("usage: node scripts/moto.mjs run -- <command> [args...]");
      const server = await start();
      process.stderr.write(`moto: listening on ${server.endpoint} (pid ${server.pid})\n`);
      const env = {
        ...process.env,
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "testing",
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "testing",
        AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
      };
      const code = await new Promise((ok) => {
        const child = spawn(cmd[0], cmd.slice(1), { stdio: "inherit", env });
        child.on("exit", (c, signal) => ok(c ?? (signal ? 1 : 0)));
        child.on("error", () => ok(127));
      });
      stop(server.pid);
      return code;
    }
    default:
      fail("usage: node scripts/moto.mjs install | start | stop <pid> | run -- <command...>");
  }
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => fail(e instanceof Error ? e.message : String(e)),
  );
}
