// Prompt caching (Anthropic-style `cache_control` markers) through the official openai npm package:
// the markers travel as extra keys of the messages, and the usage reports the cache as OpenAI does
// (`prompt_tokens_details.cached_tokens`, `.cache_write_tokens`) and under Anthropic's names
// (`cache_read_input_tokens`, `cache_creation_input_tokens`).
//
// The emulator caches a prefix of at least 1024 tokens for Claude Sonnet 4 (it counts words), and its
// cache lives as long as the file's server: every test uses system prompts of its own.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";

import { SONNET_4, startServer } from "../server.js";

const EPHEMERAL = { type: "ephemeral" };

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

// A system prompt of ~1100 words (enough to be cached), unique to the caller.
const longSystemPrompt = () => `case ${randomUUID()}: ${"background ".repeat(1100)}`;

const ask = (system, question, extra = {}) =>
  client.chat.completions.create({
    model: SONNET_4,
    messages: [
      { role: "system", content: system, cache_control: EPHEMERAL },
      { role: "user", content: question },
    ],
    ...extra,
  });

// { cached, written, read, created }: the four cache counts of a usage object.
function cacheCounts(usage) {
  assert.ok(usage?.prompt_tokens_details, `usage: ${JSON.stringify(usage)}`);
  return {
    cached: usage.prompt_tokens_details.cached_tokens,
    written: usage.prompt_tokens_details.cache_write_tokens,
    read: usage.cache_read_input_tokens,
    created: usage.cache_creation_input_tokens,
  };
}

const hit = (w) => ({ cached: w, written: 0, read: w, created: 0 });

test("cache: write, then read, then a miss when the prefix changes", async () => {
  const system = longSystemPrompt();
  const first = await ask(system, "first question");
  assert.equal(first.choices[0].message.content, "You said: first question");
  const w = cacheCounts(first.usage).written;
  assert.ok(w > 1024, `written: ${w}`);
  assert.deepEqual(cacheCounts(first.usage), { cached: 0, written: w, read: 0, created: w });
  assert.ok(first.usage.prompt_tokens > w, "the user turn is not cached");
  assert.equal(first.usage.total_tokens, first.usage.prompt_tokens + first.usage.completion_tokens);

  const second = await ask(system, "a different question");
  assert.equal(second.choices[0].message.content, "You said: a different question");
  assert.deepEqual(cacheCounts(second.usage), hit(w));
  assert.ok(second.usage.prompt_tokens > w, "prompt_tokens counts the cached tokens too");

  const changed = await ask(`${system} and one more thing`, "a different question");
  const counts = cacheCounts(changed.usage);
  assert.equal(counts.cached, 0);
  assert.equal(counts.read, 0);
  assert.ok(counts.written > 1024 && counts.created === counts.written, JSON.stringify(changed.usage));
});

test("cache: a marker on a content part", async () => {
  const system = longSystemPrompt();
  const askParts = (question) =>
    client.chat.completions.create({
      model: SONNET_4,
      messages: [
        { role: "system", content: [{ type: "text", text: system, cache_control: EPHEMERAL }] },
        { role: "user", content: question },
      ],
    });
  const w = cacheCounts((await askParts("one")).usage).written;
  assert.ok(w > 1024, `written: ${w}`);
  assert.deepEqual(cacheCounts((await askParts("two")).usage), hit(w));
});

test("cache: a read in a stream, reported in the include_usage chunk", async () => {
  const system = longSystemPrompt();
  const w = cacheCounts((await ask(system, "warm the cache")).usage).written;
  assert.ok(w > 1024, `written: ${w}`);
  const stream = await ask(system, "streamed question", { stream: true, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  for (const c of chunks.slice(0, -1)) assert.equal(c.usage ?? null, null);
  assert.deepEqual(cacheCounts(last.usage), hit(w));
  assert.ok(last.usage.prompt_tokens > w);
  assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "You said: streamed question");
});

test("cache: a short prompt is not cached", async () => {
  const completion = await ask(`Be brief (${randomUUID()}).`, "hi");
  assert.equal(completion.choices[0].message.content, "You said: hi");
  const { cached, written } = cacheCounts(completion.usage);
  assert.deepEqual({ cached, written }, { cached: 0, written: 0 });
});
