// Structured output (response_format json_schema / json_object) through the official openai npm
// package, unchanged: on a model without native structured output (Claude 3 Haiku) the gateway
// answers through a hidden tool and hands the result back as the message's JSON text, with no
// tool_calls; on one with it (Claude Sonnet 4.5) Bedrock constrains the answer itself. With
// "strict": true the gateway checks the answer against the schema: a mismatch (the emulator's
// [[emulator:off-schema]] directive makes it ignore the schema) is a 502 schema_mismatch, or, once a
// stream has started, its closing error event.
//
// Not here: client.chat.completions.parse with zodResponseFormat, since zod is not installed in
// node_modules (and this suite adds no dependencies).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import OpenAI from "openai";

import { MODEL, SONNET_4, WEATHER_TOOL, startServer } from "../server.js";

// Has native structured output (and reasons); MODEL (Claude 3 Haiku) and SONNET_4 have not.
const SONNET_4_5 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const CITY_FACTS = {
  type: "json_schema",
  json_schema: {
    name: "city_facts",
    strict: true,
    schema: {
      type: "object",
      properties: { city: { type: "string" }, population: { type: "integer" } },
      required: ["city", "population"],
      additionalProperties: false,
    },
  },
};
// What the emulator answers to CITY_FACTS.
const EXPECTED = { city: "example city", population: 1 };
const QUESTION = { role: "user", content: "Some facts about a city, please." };
// Makes the emulator ignore the schema (it answers {"unexpected": true}).
const OFF_SCHEMA = { role: "user", content: "[[emulator:off-schema]] Some facts about a city, please." };

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

// OpenAI's error object exactly: a message, and these type, code and param.
function assertEnvelope(error, { type, code, param = null }) {
  assert.equal(typeof error, "object");
  assert.deepEqual(Object.keys(error).sort(), ["code", "message", "param", "type"]);
  assert.ok(typeof error.message === "string" && error.message);
  assert.deepEqual({ type: error.type, code: error.code, param: error.param }, { type, code, param });
}

for (const [name, model] of [
  ["tool-emulated", MODEL],
  ["native", SONNET_4_5],
]) {
  test(`json_schema, unary (${name})`, async () => {
    const completion = await client.chat.completions.create({ model, messages: [QUESTION], response_format: CITY_FACTS });
    const [choice] = completion.choices;
    assert.equal(choice.finish_reason, "stop");
    // The hidden tool of the emulated path does not show: the answer is text, not a tool call.
    assert.equal(choice.message.tool_calls, undefined);
    assert.deepEqual(JSON.parse(choice.message.content), EXPECTED);
  });
}

test("json_schema, streamed: content deltas only, one stop", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [QUESTION],
    response_format: CITY_FACTS,
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const deltas = chunks.flatMap((c) => (c.choices[0] ? [c.choices[0].delta] : []));
  assert.equal(deltas[0]?.role, "assistant");
  for (const d of deltas) assert.equal(d.tool_calls, undefined, "the hidden tool leaked into a delta");
  assert.deepEqual(JSON.parse(deltas.map((d) => d.content ?? "").join("")), EXPECTED);
  const finishes = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
  assert.deepEqual(finishes, ["stop"]);
});

test("json_object answers a JSON object", async () => {
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [QUESTION],
    response_format: { type: "json_object" },
  });
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, "stop");
  assert.equal(choice.message.tool_calls, undefined);
  const value = JSON.parse(choice.message.content);
  assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), choice.message.content);
});

test("strict mismatch, unary, is a 502 schema_mismatch", async () => {
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [OFF_SCHEMA], response_format: CITY_FACTS }),
    (e) => {
      assert.ok(e instanceof OpenAI.InternalServerError, e.constructor.name);
      assert.equal(e.status, 502);
      assertEnvelope(e.error, { type: "api_error", code: "schema_mismatch" });
      assert.ok(e.message.includes("does not match"), e.message);
      return true;
    },
  );
});

test("strict mismatch, streamed, is thrown as APIError while iterating", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [OFF_SCHEMA],
    response_format: CITY_FACTS,
    stream: true,
  });
  const received = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) received.push(chunk);
    })(),
    (e) => {
      assert.ok(e instanceof OpenAI.APIError, e.constructor.name);
      // Raised from the closing `data: {"error": ...}` event of a 200 stream: no status of its own.
      assert.equal(e.status, undefined);
      assertEnvelope(e.error, { type: "api_error", code: "schema_mismatch" });
      assert.equal(e.message, e.error.message);
      assert.ok(e.message.includes("does not match"), e.message);
      return true;
    },
  );
  assert.equal(received[0]?.choices[0].delta.role, "assistant");
});

test("strict false: the answer is not checked", async () => {
  const responseFormat = structuredClone(CITY_FACTS);
  responseFormat.json_schema.strict = false;
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [OFF_SCHEMA],
    response_format: responseFormat,
  });
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, "stop");
  // Whatever the model said, passed on as it is (the emulator's off-schema answer is still JSON).
  assert.notDeepEqual(JSON.parse(choice.message.content), EXPECTED);
});

test("json_schema beside user tools: tool call, then the schema's answer", async () => {
  const question = { role: "user", content: "use get_weather for Paris" };
  const first = await client.chat.completions.create({
    model: MODEL,
    messages: [question],
    tools: [WEATHER_TOOL],
    response_format: CITY_FACTS,
  });
  assert.equal(first.choices[0].finish_reason, "tool_calls");
  const assistant = first.choices[0].message; // sent back exactly as the SDK returned it
  assert.deepEqual(assistant.tool_calls.map((c) => c.function.name), ["get_weather"]);
  const [call] = assistant.tool_calls;
  assert.ok("city" in JSON.parse(call.function.arguments));
  const second = await client.chat.completions.create({
    model: MODEL,
    messages: [question, assistant, { role: "tool", tool_call_id: call.id, content: "sunny" }],
    tools: [WEATHER_TOOL],
    response_format: CITY_FACTS,
  });
  const [choice] = second.choices;
  assert.equal(choice.finish_reason, "stop");
  assert.equal(choice.message.tool_calls, undefined);
  assert.deepEqual(JSON.parse(choice.message.content), EXPECTED);
});

test("reasoning with json_schema on a model without native structured output is BadRequestError", async () => {
  // Reasoning rules out the hidden-tool path, and SONNET_4 has no native structured output.
  await assert.rejects(
    client.chat.completions.create({
      model: SONNET_4,
      messages: [QUESTION],
      response_format: CITY_FACTS,
      reasoning_effort: "low",
    }),
    (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
      assert.equal(e.status, 400);
      assertEnvelope(e.error, { type: "invalid_request_error", code: "invalid_argument", param: "response_format" });
      assert.equal(e.param, "response_format");
      return true;
    },
  );
});

test("reasoning with json_schema on a model with native structured output", async () => {
  const completion = await client.chat.completions.create({
    model: SONNET_4_5,
    messages: [QUESTION],
    response_format: CITY_FACTS,
    reasoning_effort: "low",
  });
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, "stop");
  assert.deepEqual(JSON.parse(choice.message.content), EXPECTED);
  assert.ok(typeof choice.message.reasoning_content === "string" && choice.message.reasoning_content, JSON.stringify(choice.message));
});
