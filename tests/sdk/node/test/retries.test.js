// The server's own retries and failover, seen through the openai npm package. Every client here has
// maxRetries: 0 (server.client's default): the SDK retries 429 and 5xx by itself by default, and
// these tests must prove that the SERVER retried (its `x-amazon-chat-attempts` header) and failed
// over (`x-amazon-chat-region`).
//
// The emulator's `[[emulator:times=N]]` scopes a fault to the first N requests with the same body, so
// each prompt carries a fresh marker: no test sees another's count.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import OpenAI from "openai";

import { MODEL, startServer } from "../server.js";

// Three attempts, the backoff steps exactly 10 ms and 20 ms: a retried call takes ~30 ms more.
const RETRY_FLAGS = ["--bedrock-max-attempts", "3", "--retry-jitter", "none", "--retry-initial-backoff", "10ms"];
// The demo server's home region (no --region), and the failover chain's target.
const HOME_REGION = "us-east-1";
const FAILOVER_REGION = "us-west-2";
const ALIAS = "gpt-4o-mini";
const MODELS_FILE = `[aliases]
"${ALIAS}" = "${MODEL}"

[failover]
"${MODEL}" = ["@${FAILOVER_REGION}"]
`;
// A model the home region serves through a cross-region inference profile: Bedrock is called with the
// profile's id, not the one asked for.
const SONNET_4_BASE = "anthropic.claude-sonnet-4-20250514-v1:0";
const SONNET_4_PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0";

const marker = () => `marker-${randomUUID()}`;
const ask = (text) => [{ role: "user", content: text }];

let modelsDir;
let retryingServer;
let failoverServer;
let retrying;
let failingOver;
before(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), "amazon-chat-openai-node-models-"));
  const modelsFile = join(modelsDir, "models.toml");
  writeFileSync(modelsFile, MODELS_FILE);
  [retryingServer, failoverServer] = await Promise.all([
    startServer({ extraArgs: RETRY_FLAGS }),
    startServer({ extraArgs: ["--models-file", modelsFile] }),
  ]);
  // maxRetries: 0 spelled out: a 429 or 503 the server gives up on reaches the test as is.
  retrying = retryingServer.client({ maxRetries: 0 });
  failingOver = failoverServer.client({ maxRetries: 0 });
});
after(async () => {
  await Promise.all([retryingServer?.stop(), failoverServer?.stop()]);
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

// The answer's text: the unary message, or a stream's deltas (exactly one `stop`).
async function answer(data, stream) {
  if (!stream) return data.choices[0].message.content;
  let text = "";
  const finishes = [];
  for await (const chunk of data) {
    const [choice] = chunk.choices;
    if (!choice) continue;
    text += choice.delta.content ?? "";
    if (choice.finish_reason) finishes.push(choice.finish_reason);
  }
  assert.deepEqual(finishes, ["stop"]);
  return text;
}

const headersOf = (response) => Object.fromEntries(response.headers.entries());

for (const stream of [false, true]) {
  test(`the server retries transient throttling: x-amazon-chat-attempts 3 (stream=${stream})`, async () => {
    const m = marker();
    const { data, response } = await retrying.chat.completions
      .create({ model: MODEL, messages: ask(`[[emulator:throttle]] [[emulator:times=2]] ${m}`), stream })
      .withResponse();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-amazon-chat-attempts"), "3", JSON.stringify(headersOf(response)));
    assert.equal(response.headers.get("x-amazon-chat-region"), HOME_REGION);
    assert.equal(response.headers.get("x-amazon-chat-model-id"), MODEL);
    assert.equal(await answer(data, stream), `You said: ${m}`);
  });
}

test("asResponse: the retried call's raw response carries the attempts", async () => {
  const m = marker();
  const response = await retrying.chat.completions
    .create({ model: MODEL, messages: ask(`[[emulator:throttle]] [[emulator:times=2]] ${m}`) })
    .asResponse();
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-amazon-chat-attempts"), "3");
  assert.equal((await response.json()).choices[0].message.content, `You said: ${m}`);
});

test("an untroubled call takes one attempt", async () => {
  const response = await retrying.chat.completions.create({ model: MODEL, messages: ask(marker()) }).asResponse();
  assert.equal(response.headers.get("x-amazon-chat-attempts"), "1");
});

for (const stream of [false, true]) {
  test(`persistent throttling is RateLimitError with Retry-After (stream=${stream})`, async () => {
    await assert.rejects(
      retrying.chat.completions.create({ model: MODEL, messages: ask(`[[emulator:throttle]] ${marker()}`), stream }),
      (e) => {
        assert.ok(e instanceof OpenAI.RateLimitError, e.constructor.name);
        assert.equal(e.status, 429);
        assert.equal(e.error?.code, "rate_limit_exceeded");
        const retryAfter = e.headers.get("retry-after");
        assert.ok(retryAfter !== null && Number(retryAfter) >= 0, `retry-after: ${retryAfter}`);
        return true;
      },
    );
  });

  test(`persistent unavailability is InternalServerError 503 (stream=${stream})`, async () => {
    await assert.rejects(
      retrying.chat.completions.create({ model: MODEL, messages: ask(`[[emulator:unavailable]] ${marker()}`), stream }),
      (e) => {
        assert.ok(e instanceof OpenAI.InternalServerError, e.constructor.name);
        assert.equal(e.status, 503);
        assert.equal(e.error?.code, "upstream_unavailable");
        return true;
      },
    );
  });
}

test("the server gives up after exactly its attempts", async () => {
  // Throttled for the first 3 requests with this body: the first call spends all 3 attempts (429), so
  // the identical second call is the emulator's 4th request and answers at once.
  const messages = ask(`[[emulator:throttle]] [[emulator:times=3]] ${marker()}`);
  await assert.rejects(retrying.chat.completions.create({ model: MODEL, messages }), OpenAI.RateLimitError);
  const response = await retrying.chat.completions.create({ model: MODEL, messages }).asResponse();
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-amazon-chat-attempts"), "1");
});

for (const stream of [false, true]) {
  test(`throttled in the home region, the call fails over to @us-west-2 (stream=${stream})`, async () => {
    const m = marker();
    const { data, response } = await failingOver.chat.completions
      .create({ model: MODEL, messages: ask(`[[emulator:throttle]] [[emulator:region=${HOME_REGION}]] ${m}`), stream })
      .withResponse();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-amazon-chat-region"), FAILOVER_REGION, JSON.stringify(headersOf(response)));
    // One attempt per target (the helper's default --bedrock-max-attempts 1).
    assert.equal(response.headers.get("x-amazon-chat-attempts"), "2");
    assert.equal(response.headers.get("x-amazon-chat-model-id"), MODEL);
    if (stream) assert.match(response.headers.get("content-type"), /^text\/event-stream/);
    assert.equal(await answer(data, stream), `You said: ${m}`);
  });
}

test("no failover when the home region answers", async () => {
  const response = await failingOver.chat.completions.create({ model: MODEL, messages: ask(marker()) }).asResponse();
  assert.equal(response.headers.get("x-amazon-chat-region"), HOME_REGION);
  assert.equal(response.headers.get("x-amazon-chat-attempts"), "1");
});

test("throttled everywhere is RateLimitError after failover", async () => {
  await assert.rejects(
    failingOver.chat.completions.create({ model: MODEL, messages: ask(`[[emulator:throttle]] ${marker()}`) }),
    (e) => {
      assert.ok(e instanceof OpenAI.RateLimitError, e.constructor.name);
      assert.equal(e.status, 429);
      assert.ok(e.headers.get("retry-after") !== null);
      return true;
    },
  );
});

for (const [requested, bedrockId] of [
  [MODEL, MODEL],
  [SONNET_4_BASE, SONNET_4_PROFILE],
  [SONNET_4_PROFILE, SONNET_4_PROFILE],
]) {
  test(`x-amazon-chat-model-id is the Bedrock id ${requested} resolves to`, async () => {
    const { data, response } = await retrying.chat.completions
      .create({ model: requested, messages: ask("hello there") })
      .withResponse();
    assert.equal(response.headers.get("x-amazon-chat-model-id"), bedrockId, JSON.stringify(headersOf(response)));
    assert.equal(response.headers.get("x-amazon-chat-region"), HOME_REGION);
    assert.equal(data.model, requested); // the body names the model as asked
  });
}

test("x-amazon-chat-model-id resolves an alias, which fails over by its model id", async () => {
  const { data, response } = await failingOver.chat.completions
    .create({ model: ALIAS, messages: ask("hello there") })
    .withResponse();
  assert.equal(response.headers.get("x-amazon-chat-model-id"), MODEL);
  assert.equal(data.model, ALIAS);
  const failedOver = await failingOver.chat.completions
    .create({ model: ALIAS, messages: ask(`[[emulator:throttle]] [[emulator:region=${HOME_REGION}]] ${marker()}`) })
    .asResponse();
  assert.equal(failedOver.headers.get("x-amazon-chat-region"), FAILOVER_REGION);
  assert.equal(failedOver.headers.get("x-amazon-chat-model-id"), MODEL);
});
