// Reasoning (reasoning_effort, signed thinking blocks replayed through a tool loop) through the
// official openai npm package, unchanged: responses are the server's JSON objects, so
// `reasoning_content` and `thinking_blocks` come through as they are, and extra keys of the request
// (a message's `thinking_blocks`) are sent as given.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import OpenAI from "openai";

import { MODEL, SONNET_4, WEATHER_TOOL, startServer } from "../server.js";

const PROMPT = "hello there, thinker";
// Names the tool: what makes the emulator call it (tool_choice "auto", the default with tools).
const NAMING_QUESTION = "Ask get_weather: what is the weather in Paris?";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

function assertSigned(block, thinking) {
  assert.equal(block.type, "thinking");
  assert.equal(block.thinking, thinking);
  assert.ok(typeof block.signature === "string" && BASE64.test(block.signature), `signature: ${block.signature}`);
}

// The one thinking block of an assistant message, checked against its text.
function onlyBlock(message, thinking) {
  assert.ok(Array.isArray(message.thinking_blocks), `no thinking_blocks in ${JSON.stringify(message)}`);
  assert.equal(message.thinking_blocks.length, 1);
  assertSigned(message.thinking_blocks[0], thinking);
  return message.thinking_blocks[0];
}

// An answer's assistant message as it goes back: content, tool calls and thinking blocks.
function replay(message) {
  const out = { role: "assistant", content: message.content, thinking_blocks: message.thinking_blocks };
  if (message.tool_calls) out.tool_calls = message.tool_calls;
  return out;
}

test("reasoning, unary: reasoning_content and a signed thinking block", async () => {
  const completion = await client.chat.completions.create({
    model: SONNET_4,
    messages: [{ role: "user", content: PROMPT }],
    reasoning_effort: "low",
  });
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, "stop");
  assert.equal(choice.message.content, `You said: ${PROMPT}`);
  assert.equal(choice.message.reasoning_content, `Let me think about: ${PROMPT}`);
  onlyBlock(choice.message, `Let me think about: ${PROMPT}`);
});

test("reasoning, streamed: fragments, then one whole signed block, then the answer", async () => {
  const stream = await client.chat.completions.create({
    model: SONNET_4,
    messages: [{ role: "user", content: PROMPT }],
    reasoning_effort: "low",
    stream: true,
  });
  const deltas = [];
  const finishes = [];
  for await (const chunk of stream) {
    if (!chunk.choices[0]) continue;
    deltas.push(chunk.choices[0].delta);
    if (chunk.choices[0].finish_reason) finishes.push(chunk.choices[0].finish_reason);
  }
  const fragments = deltas.map((d) => d.reasoning_content).filter((r) => r !== undefined && r !== null);
  assert.ok(fragments.length >= 2, "expected the reasoning in several fragments");
  const reasoning = fragments.join("");
  assert.equal(reasoning, `Let me think about: ${PROMPT}`);
  assert.equal(deltas.map((d) => d.content ?? "").join(""), `You said: ${PROMPT}`);

  const withBlocks = deltas.flatMap((d, i) => (d.thinking_blocks?.length ? [i] : []));
  assert.equal(withBlocks.length, 1, "exactly one delta carries thinking_blocks");
  const block = onlyBlock(deltas[withBlocks[0]], reasoning);
  const firstContent = deltas.findIndex((d) => d.content);
  const lastFragment = deltas.findLastIndex((d) => d.reasoning_content != null);
  assert.ok(lastFragment < withBlocks[0] && withBlocks[0] < firstContent, "reasoning, then the block, then the answer");
  assert.deepEqual(finishes, ["stop"]);

  // The streamed block replays like a unary one.
  const followUp = await client.chat.completions.create({
    model: SONNET_4,
    messages: [
      { role: "user", content: PROMPT },
      { role: "assistant", content: `You said: ${PROMPT}`, thinking_blocks: [block] },
      { role: "user", content: "and again" },
    ],
    reasoning_effort: "low",
  });
  assert.equal(followUp.choices[0].message.content, "You said: and again");
});

test("a three-turn tool loop with thinking on replays every block", async () => {
  // A tool call, the answer from its result, and another tool call for a new question.
  const messages = [{ role: "user", content: NAMING_QUESTION }];
  const turn = async () => {
    const completion = await client.chat.completions.create({
      model: SONNET_4,
      messages,
      tools: [WEATHER_TOOL],
      reasoning_effort: "low",
    });
    const [choice] = completion.choices;
    messages.push(replay(choice.message));
    return choice;
  };

  const first = await turn();
  assert.equal(first.finish_reason, "tool_calls");
  assert.equal(first.message.tool_calls[0].function.name, "get_weather");
  onlyBlock(first.message, `Let me think about: ${NAMING_QUESTION}`);
  messages.push({ role: "tool", tool_call_id: first.message.tool_calls[0].id, content: "sunny, 21C" });

  const second = await turn();
  assert.equal(second.finish_reason, "stop");
  assert.equal(second.message.content, "The tool returned: sunny, 21C");
  assert.equal(second.message.tool_calls, undefined);
  onlyBlock(second.message, "Let me think about: the tool results");

  const question = "Ask get_weather again: and in Rome?";
  messages.push({ role: "user", content: question });
  const third = await turn();
  assert.equal(third.finish_reason, "tool_calls");
  assert.equal(third.message.tool_calls[0].function.name, "get_weather");
  onlyBlock(third.message, `Let me think about: ${question}`);
  assert.deepEqual(
    messages.map((m) => m.role),
    ["user", "assistant", "tool", "assistant", "user", "assistant"],
  );
});

test("a tool turn replayed without its thinking blocks still gets an answer", async () => {
  // The server turns thinking off for that request rather than let Bedrock refuse it.
  const ask = { role: "user", content: NAMING_QUESTION };
  const first = await client.chat.completions.create({
    model: SONNET_4,
    messages: [ask],
    tools: [WEATHER_TOOL],
    reasoning_effort: "low",
  });
  const { content, tool_calls: toolCalls } = first.choices[0].message;
  assert.ok(toolCalls?.length);
  const second = await client.chat.completions.create({
    model: SONNET_4,
    messages: [
      ask,
      { role: "assistant", content, tool_calls: toolCalls },
      { role: "tool", tool_call_id: toolCalls[0].id, content: "rainy, 9C" },
    ],
    tools: [WEATHER_TOOL],
    reasoning_effort: "low",
  });
  assert.equal(second.choices[0].finish_reason, "stop");
  assert.equal(second.choices[0].message.content, "The tool returned: rainy, 9C");
  assert.equal(second.choices[0].message.thinking_blocks, undefined, "thinking was off");
});

test("an altered thinking block is BadRequestError (Invalid `signature`)", async () => {
  const first = await client.chat.completions.create({
    model: SONNET_4,
    messages: [{ role: "user", content: PROMPT }],
    reasoning_effort: "low",
  });
  const block = onlyBlock(first.choices[0].message, `Let me think about: ${PROMPT}`);
  const altered = { ...block, thinking: `${block.thinking} (edited)` };
  await assert.rejects(
    client.chat.completions.create({
      model: SONNET_4,
      messages: [
        { role: "user", content: PROMPT },
        { role: "assistant", content: first.choices[0].message.content, thinking_blocks: [altered] },
        { role: "user", content: "and again" },
      ],
      reasoning_effort: "low",
    }),
    (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
      assert.equal(e.status, 400);
      // Bedrock's ValidationException, passed on: no field of ours to name.
      assert.deepEqual({ type: e.error.type, code: e.error.code, param: e.error.param }, {
        type: "invalid_request_error",
        code: "invalid_argument",
        param: null,
      });
      assert.ok(e.message.includes("Invalid `signature`"), e.message);
      return true;
    },
  );
});

test("a model that cannot reason is BadRequestError naming reasoning_effort", async () => {
  await assert.rejects(
    client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: PROMPT }],
      reasoning_effort: "low",
    }),
    (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
      assert.equal(e.status, 400);
      assert.equal(e.param, "reasoning_effort");
      assert.deepEqual({ type: e.error.type, code: e.error.code }, { type: "invalid_request_error", code: "invalid_argument" });
      assert.ok(e.message.includes(MODEL), e.message);
      return true;
    },
  );
});
