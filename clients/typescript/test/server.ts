// Starts `amazon-chat serve --demo` (its embedded Bedrock emulator) for the live tests. The binary
// comes from AMAZON_CHAT_BIN (default: <repo>/target/debug/amazon-chat). The server listens on
// loopback only, gets no AWS credentials or config (no AWS_* variables; HOME and the working directory,
// where it would look for a .env file, are a fresh temporary folder), no AMAZON_CHAT_* or API_KEY*
// variables but the API_KEY it is given, no proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
// NO_PROXY, in either case) and AWS_EC2_METADATA_DISABLED=true, and is killed by stop().
// For the TLS tests, devCerts() runs `amazon-chat dev-certs --out <tmp>`, and startServer({ args, tls })
// adds `serve` flags (--tls-cert, ...) and waits for the server through a client with those TLS options.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { createAmazonChatClient, type TlsOptions } from "../src/index.js";

// dist/test/server.js -> the repository root is four levels up.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const DROPPED_PREFIXES = ["AWS_", "AMAZON_CHAT_", "API_KEY"];
const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]; // dropped in any case
const dropped = (name: string): boolean =>
  DROPPED_PREFIXES.some((p) => name.startsWith(p)) || PROXY_VARIABLES.includes(name.toUpperCase());

export interface TestServer {
  target: string;
  apiKey: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

function binary(): string {
  const bin = resolve(process.env.AMAZON_CHAT_BIN || join(REPO, "target", "debug", "amazon-chat"));
  if (!existsSync(bin)) throw new Error(`amazon-chat binary not found at ${bin} (set AMAZON_CHAT_BIN)`);
  return bin;
}

function serverEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!dropped(k)) env[k] = v;
  Object.assign(env, { HOME: home, AWS_EC2_METADATA_DISABLED: "true" });
  return env;
}

/** The files of `amazon-chat dev-certs`: a CA, a server and a client certificate. */
export interface DevCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  remove(): void;
}

export function devCerts(): DevCerts {
  const dir = mkdtempSync(join(tmpdir(), "amazon-chat-ts-certs-"));
  const done = spawnSync(binary(), ["dev-certs", "--out", dir], {
    env: serverEnv(dir),
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (done.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`amazon-chat dev-certs failed (${done.status ?? done.signal ?? done.error}): ${done.stderr}`);
  }
  return {
    dir,
    ca: join(dir, "ca.pem"),
    serverCert: join(dir, "server.pem"),
    serverKey: join(dir, "server-key.pem"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client-key.pem"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface StartOptions {
  /** More `serve` flags (e.g. --tls-cert, --tls-key, --tls-client-ca). */
  args?: string[];
  /** The TLS options of the client that checks the server is up (with TLS flags in `args`). */
  tls?: TlsOptions;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const bin = binary();
  const apiKey = `test-${randomBytes(8).toString("hex")}`;
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), "amazon-chat-ts-"));
  const env = serverEnv(home);
  env.API_KEY = apiKey;
  const child: ChildProcess = spawn(
    bin,
    ["serve", "--demo", "--host", "127.0.0.1", "--port", String(port), "--api-key", apiKey, ...(options.args ?? [])],
    { env, cwd: home, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };

  const target = `127.0.0.1:${port}`;
  const client = createAmazonChatClient({ target, apiKey, timeoutMs: 2_000, tls: options.tls });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`amazon-chat exited (${child.exitCode ?? child.signalCode}): ${log}`);
      }
      try {
        await client.listModels();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`amazon-chat not ready on ${target} after 60 s: ${log}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
  } catch (err) {
    client.close();
    await stop();
    throw err;
  }
  client.close();
  return { target, apiKey, stop };
}
