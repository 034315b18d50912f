// Starts `amazon-chat serve --demo` (its embedded Bedrock emulator) on loopback for one test file.
//
// Isolation, as in clients/python/tests: the child gets no AWS_*, AMAZON_CHAT_* or API_KEY* variables,
// no proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, in either case),
// AWS_EC2_METADATA_DISABLED=true, and a fresh temporary folder as HOME and working directory (where it
// would look for a .env file). It listens on 127.0.0.1 with `--port 0`; the chosen port is read from
// its `amazon-chat listening on http://127.0.0.1:P` line (https:// with TLS). The binary comes from
// AMAZON_CHAT_BIN (default <repo>/target/debug/amazon-chat).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import OpenAI from "openai";

export const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
// A model that reasons (reasoning_effort, signed thinking blocks) and caches prompts of 1024+ tokens.
export const SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0";
export const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
// A 1x1 PNG (70 bytes).
export const PNG_DATA_URL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// http://, or https:// for a server started with --tls-cert/--tls-key.
const READY = /amazon-chat listening on (https?:\/\/127\.0\.0\.1:\d+)/;
const DROPPED = ["AWS_", "AMAZON_CHAT_", "API_KEY"];
const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]; // dropped in any case
const dropped = (name) => DROPPED.some((p) => name.startsWith(p)) || PROXY_VARIABLES.includes(name.toUpperCase());

// Servers still running; killed if this process exits or is interrupted before their stop().
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    for (const child of running) child.kill("SIGKILL");
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

// `--bedrock-max-attempts 1` (an error surfaces at once), then `extraArgs`. The server rejects a flag
// given twice, so extra args that set the attempts (the retry tests) replace the default.
export function serverArgs(extraArgs = []) {
  const setsAttempts = extraArgs.some((a) => a === "--bedrock-max-attempts" || a.startsWith("--bedrock-max-attempts="));
  return [...(setsAttempts ? [] : ["--bedrock-max-attempts", "1"]), ...extraArgs];
}

/**
 * Starts a server (more `serve` flags in `extraArgs`); resolves to
 * { url, baseURL, apiKey, client(opts), log(), stop() }.
 */
export async function startServer({ timeoutMs = 60_000, extraArgs = [] } = {}) {
  const binary = resolve(process.env.AMAZON_CHAT_BIN || join(REPO, "target", "debug", "amazon-chat"));
  if (!existsSync(binary)) {
    throw new Error(`amazon-chat binary not found at ${binary} (cargo build, or set AMAZON_CHAT_BIN)`);
  }
  const apiKey = "test-" + randomBytes(8).toString("hex");
  const home = mkdtempSync(join(tmpdir(), "amazon-chat-openai-node-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !dropped(k)));
  Object.assign(env, { HOME: home, AWS_EC2_METADATA_DISABLED: "true" });
  const logPath = join(home, "server.log");
  const logFd = openSync(logPath, "w");
  const child = spawn(
    binary,
    ["serve", "--demo", "--host", "127.0.0.1", "--port", "0", "--api-key", apiKey, ...serverArgs(extraArgs)],
    { env, cwd: home, stdio: ["ignore", "pipe", logFd] },
  );
  closeSync(logFd);
  running.add(child);
  const log = () => {
    try {
      return readFileSync(logPath, "utf8").slice(-4000);
    } catch {
      return "";
    }
  };

  let exited = child.exitCode !== null;
  const exitPromise = new Promise((res) => child.once("exit", () => { exited = true; res(); }));
  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    running.delete(child);
    rmSync(home, { recursive: true, force: true });
  };

  let url;
  try {
    url = await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`amazon-chat not ready after ${timeoutMs} ms:\n${log()}`)), timeoutMs);
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        const m = READY.exec(line);
        if (m) {
          clearTimeout(timer);
          res(m[1]);
        }
      });
      child.once("error", (e) => { clearTimeout(timer); rej(e); });
      child.once("exit", (code) => { clearTimeout(timer); rej(new Error(`amazon-chat exited with ${code}:\n${log()}`)); });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const baseURL = `${url}/v1`;
  return {
    url,
    baseURL,
    apiKey,
    log,
    stop,
    /** The official client, changed in nothing but baseURL and apiKey (and no retries: errors surface at once). */
    client: (opts = {}) => new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000, ...opts }),
  };
}
