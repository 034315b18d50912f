// /v1/models, and error statuses and bodies mapped onto the openai npm package's error classes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import OpenAI from "openai";

import { MODEL, startServer } from "../server.js";

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

// OpenAI's error object exactly: a message, and these type, code and param. The SDK hands over the
// `error` object of `{"error": {...}}` as `.error`.
function assertEnvelope(error, { type, code, param = null }) {
  assert.equal(typeof error, "object");
  assert.deepEqual(Object.keys(error).sort(), ["code", "message", "param", "type"]);
  assert.ok(typeof error.message === "string" && error.message);
  assert.deepEqual({ type: error.type, code: error.code, param: error.param }, { type, code, param });
}

test("models.list contains the haiku model", async () => {
  const ids = new Map();
  for await (const model of client.models.list()) ids.set(model.id, model);
  const haiku = ids.get(MODEL);
  assert.ok(haiku, `${MODEL} not listed`);
  assert.equal(haiku.object, "model");
  assert.equal(haiku.owned_by, "anthropic");
});

test("models.retrieve with ':' in the id", async () => {
  const model = await client.models.retrieve(MODEL);
  assert.equal(model.id, MODEL);
  assert.equal(model.owned_by, "anthropic");
});

test("models.retrieve of an unknown model is NotFoundError", async () => {
  await assert.rejects(client.models.retrieve("no-such-model"), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError, e.constructor.name);
    assert.equal(e.status, 404);
    // The field at fault is the path's model id.
    assertEnvelope(e.error, { type: "not_found_error", code: "model_not_found", param: "id" });
    return true;
  });
});

test("wrong API key is AuthenticationError", async () => {
  const bad = server.client({ apiKey: "wrong-key" });
  await assert.rejects(bad.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }), (e) => {
    assert.ok(e instanceof OpenAI.AuthenticationError, e.constructor.name);
    assert.equal(e.status, 401);
    assertEnvelope(e.error, { type: "authentication_error", code: "invalid_api_key" });
    return true;
  });
  await assert.rejects(bad.models.list(), (e) => {
    assert.ok(e instanceof OpenAI.AuthenticationError, e.constructor.name);
    assertEnvelope(e.error, { type: "authentication_error", code: "invalid_api_key" });
    return true;
  });
});

for (const [name, body, field] of [
  ["n=2", { messages: [{ role: "user", content: "hi" }], n: 2 }, "n"],
  ["no messages", { messages: [] }, "messages"],
  ["role wizard", { messages: [{ role: "wizard", content: "hi" }] }, "messages[0].role"],
]) {
  test(`bad request (${name}) is BadRequestError naming the field`, async () => {
    await assert.rejects(client.chat.completions.create({ model: MODEL, ...body }), (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
      assert.equal(e.status, 400);
      assertEnvelope(e.error, { type: "invalid_request_error", code: "invalid_argument", param: field });
      assert.equal(e.param, field);
      assert.ok(e.message.includes(field), e.message);
      return true;
    });
  });
}

test("bad request when streaming is an HTTP error, not an SSE event", async () => {
  await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [], stream: true }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
    assert.equal(e.status, 400);
    assertEnvelope(e.error, { type: "invalid_request_error", code: "invalid_argument", param: "messages" });
    return true;
  });
});

test("unknown model is NotFoundError", async () => {
  await assert.rejects(
    client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
    (e) => {
      assert.ok(e instanceof OpenAI.NotFoundError, e.constructor.name);
      assert.equal(e.status, 404);
      assertEnvelope(e.error, { type: "not_found_error", code: "model_not_found", param: "model" });
      return true;
    },
  );
});

for (const stream of [false, true]) {
  test(`throttling is RateLimitError with Retry-After (stream=${stream})`, async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "[[emulator:throttle]] hi" }],
        stream,
      }),
      (e) => {
        assert.ok(e instanceof OpenAI.RateLimitError, e.constructor.name);
        assert.equal(e.status, 429);
        assertEnvelope(e.error, { type: "rate_limit_error", code: "rate_limit_exceeded" });
        const retryAfter = e.headers.get("retry-after");
        assert.ok(retryAfter !== null && Number(retryAfter) >= 0, `retry-after: ${retryAfter}`);
        return true;
      },
    );
  });
}

test("an error mid-stream is thrown as APIError while iterating", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "[[emulator:stream-error]] some words" }],
    stream: true,
  });
  const received = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) received.push(chunk);
    })(),
    (e) => {
      assert.ok(e instanceof OpenAI.APIError, e.constructor.name);
      // Raised from the `data: {"error": ...}` event of a 200 stream: no status of its own.
      assert.equal(e.status, undefined);
      // Bedrock's modelStreamErrorException: retryable, so Unavailable.
      assertEnvelope(e.error, { type: "api_error", code: "upstream_unavailable" });
      assert.equal(e.message, e.error.message);
      return true;
    },
  );
  assert.equal(received[0]?.choices[0].delta.role, "assistant");
});
