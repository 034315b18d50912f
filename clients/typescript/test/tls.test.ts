// The TypeScript client over TLS and mTLS, with the certificates of `amazon-chat dev-certs` (see
// server.ts): one server with --tls-cert/--tls-key, one that also requires a client certificate
// (--tls-client-ca ca.pem).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";

import { Code, ConnectError, createAmazonChatClient, type AmazonChatClient } from "../src/index.js";
import { devCerts, startServer, type DevCerts, type TestServer } from "./server.js";

const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
const PROMPT = "hello there";
const ANSWER = "You said: hello there";

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const text of stream) out.push(text);
  return out;
}

describe("amazon-chat TypeScript client over TLS (live)", () => {
  let certs: DevCerts;
  let tlsServer: TestServer;
  let mtlsServer: TestServer;
  const clients: AmazonChatClient[] = [];
  const connect = (...args: Parameters<typeof createAmazonChatClient>): AmazonChatClient => {
    const client = createAmazonChatClient(...args);
    clients.push(client);
    return client;
  };

  before(async () => {
    certs = devCerts();
    const serverTls = ["--tls-cert", certs.serverCert, "--tls-key", certs.serverKey];
    tlsServer = await startServer({ args: serverTls, tls: { caFile: certs.ca } });
    mtlsServer = await startServer({
      args: [...serverTls, "--tls-client-ca", certs.ca],
      tls: { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey },
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    await tlsServer?.stop();
    await mtlsServer?.stop();
    certs?.remove();
  });

  it("makes a unary and a streaming call over TLS, trusting ca.pem", async () => {
    const client = connect({ target: tlsServer.target, apiKey: tlsServer.apiKey, timeoutMs: 30_000, tls: { caFile: certs.ca } });
    assert.equal(await client.chat(MODEL, PROMPT), ANSWER);
    const fragments = await collect(client.streamChat(MODEL, PROMPT));
    assert.ok(fragments.length >= 2, "expected the answer in several chunks");
    assert.equal(fragments.join(""), ANSWER);
  });

  it("takes an https:// target and the CA as PEM contents", async () => {
    const client = connect({
      target: `https://${tlsServer.target}`,
      apiKey: tlsServer.apiKey,
      timeoutMs: 30_000,
      tls: { ca: readFileSync(certs.ca, "utf8") },
    });
    assert.equal(await client.chat(MODEL, PROMPT), ANSWER);
  });

  it("fails without trusting the server's CA", async () => {
    const client = connect({ target: tlsServer.target, apiKey: tlsServer.apiKey, timeoutMs: 10_000, tls: {} });
    await assert.rejects(client.chat(MODEL, PROMPT), (err: unknown) => {
      assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
      // Connect reports a failed handshake as INTERNAL, with Node's reason.
      assert.match(err.message, /certificate/, err.message);
      assert.notEqual(err.code, Code.DeadlineExceeded, err.message);
      return true;
    });
  });

  it("passes mTLS with the client certificate", async () => {
    const client = connect({
      target: mtlsServer.target,
      apiKey: mtlsServer.apiKey,
      timeoutMs: 30_000,
      tls: { caFile: certs.ca, cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) },
    });
    assert.equal(await client.chat(MODEL, PROMPT), ANSWER);
    assert.equal((await collect(client.streamChat(MODEL, PROMPT))).join(""), ANSWER);
  });

  it("is refused by the mTLS server without a client certificate, before the deadline", async () => {
    const client = connect({ target: mtlsServer.target, apiKey: mtlsServer.apiKey, timeoutMs: 10_000, tls: { caFile: certs.ca } });
    const started = Date.now();
    await assert.rejects(client.chat(MODEL, PROMPT), (err: unknown) => {
      assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
      assert.notEqual(err.code, Code.DeadlineExceeded, err.message);
      // The server's TLS 1.3 alert, as Node's OpenSSL words it.
      assert.match(err.message, /certificate required/, err.message);
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
  });

  it("checks its TLS options", () => {
    assert.throws(() => createAmazonChatClient({ target: "127.0.0.1:1", tls: { certFile: certs.clientCert } }), /together/);
    assert.throws(() => createAmazonChatClient({ target: "127.0.0.1:1", tls: { ca: "x", caFile: certs.ca } }), /not both/);
    assert.throws(() => createAmazonChatClient({ target: "http://127.0.0.1:1", tls: { caFile: certs.ca } }), /plaintext/);
  });
});
