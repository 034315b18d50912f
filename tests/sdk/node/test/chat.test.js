// Plain and streamed chat completions through the official openai npm package.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { MODEL, PNG_DATA_URL, startServer } from "../server.js";

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

test("plain completion", async () => {
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "hello there" }],
  });
  assert.equal(completion.object, "chat.completion");
  assert.ok(completion.id);
  assert.equal(completion.model, MODEL);
  assert.ok(completion.created > 0);
  assert.equal(completion.choices.length, 1);
  const [choice] = completion.choices;
  assert.equal(choice.index, 0);
  assert.equal(choice.message.role, "assistant");
  assert.equal(choice.message.content, "You said: hello there");
  assert.equal(choice.finish_reason, "stop");
  const { usage } = completion;
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
});

test("answers the last user message", async () => {
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: "system", content: "You are terse." },
      { role: "developer", content: "Answer in English." },
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: "second question" },
    ],
    temperature: 0.2,
    top_p: 0.9,
  });
  assert.equal(completion.choices[0].message.content, "You said: second question");
});

test("image content part", async () => {
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: PNG_DATA_URL } },
        ],
      },
    ],
  });
  assert.equal(completion.choices[0].message.content, "You said: What is this? (I see 1 image: png, 70 bytes)");
});

test("withResponse exposes the HTTP response", async () => {
  const { data, response } = await client.chat.completions
    .create({ model: MODEL, messages: [{ role: "user", content: "hello there" }] })
    .withResponse();
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^application\/json/);
  assert.equal(data.choices[0].message.content, "You said: hello there");
});

test("stream matches unary", async () => {
  const messages = [{ role: "user", content: "hello there, streaming" }];
  const unary = await client.chat.completions.create({ model: MODEL, messages });
  const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length > 0);
  for (const c of chunks) {
    assert.equal(c.object, "chat.completion.chunk");
    assert.equal(c.id, chunks[0].id);
    assert.equal(c.usage ?? null, null, "usage only with stream_options.include_usage");
  }
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
  assert.equal(text, unary.choices[0].message.content);
  assert.equal(text, "You said: hello there, streaming");
  const finishes = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
  assert.deepEqual(finishes, ["stop"]);
});

test("stream with include_usage ends with a usage chunk", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "hello there" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage.prompt_tokens > 0 && last.usage.completion_tokens > 0);
  assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
  for (const c of chunks.slice(0, -1)) assert.equal(c.usage ?? null, null);
  assert.equal(chunks.at(-2).choices[0].finish_reason, "stop");
});

test("stream helper accumulates the final completion", async () => {
  const runner = client.chat.completions.stream({
    model: MODEL,
    messages: [{ role: "user", content: "hello there" }],
  });
  let text = "";
  runner.on("content", (delta) => { text += delta; });
  const final = await runner.finalChatCompletion();
  assert.equal(text, "You said: hello there");
  assert.equal(final.choices[0].message.content, "You said: hello there");
  assert.equal(final.choices[0].finish_reason, "stop");
});

test("stream can be aborted early", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "hello there" }],
    stream: true,
  });
  for await (const chunk of stream) {
    assert.equal(chunk.choices[0].delta.role, "assistant");
    break; // closes the response; the server must cope
  }
  const after = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "still up" }] });
  assert.equal(after.choices[0].message.content, "You said: still up");
});
