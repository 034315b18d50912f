// Tool calling (function tools), unary and streamed, through the official openai npm package.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { MODEL, WEATHER_TOOL, startServer } from "../server.js";

const QUESTION = { role: "user", content: "What is the weather in Paris?" };
// Names the tool: what makes the emulator call it under tool_choice "auto".
const NAMING_QUESTION = { role: "user", content: "Ask get_weather: what is the weather in Paris?" };

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

for (const [name, toolChoice] of [
  ["required", "required"],
  ["named", { type: "function", function: { name: "get_weather" } }],
]) {
  test(`tool call with tool_choice ${name}`, async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [QUESTION],
      tools: [WEATHER_TOOL],
      tool_choice: toolChoice,
    });
    const [choice] = completion.choices;
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.tool_calls.length, 1);
    const [call] = choice.message.tool_calls;
    assert.equal(call.type, "function");
    assert.ok(call.id);
    assert.equal(call.function.name, "get_weather");
    const args = JSON.parse(call.function.arguments);
    assert.equal(typeof args, "object");
    assert.ok("city" in args);
  });
}

test("tool_choice auto calls the tool the prompt names", async () => {
  // The emulator calls a tool under "auto" exactly when the prompt names it; its answer then has a
  // text block ("Calling <names>.") before the tool call, as models often do.
  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [NAMING_QUESTION],
    tools: [WEATHER_TOOL],
    tool_choice: "auto",
  });
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, "Calling get_weather.");
  assert.equal(choice.message.tool_calls.length, 1);
  const [call] = choice.message.tool_calls;
  assert.equal(call.type, "function");
  assert.ok(call.id);
  assert.equal(call.function.name, "get_weather");
  assert.deepEqual(JSON.parse(call.function.arguments), { city: "example city" });
});

// "auto" with a prompt that does not name the tool, and "none" even with one that does: text only.
for (const [toolChoice, question] of [
  ["auto", QUESTION],
  ["none", NAMING_QUESTION],
]) {
  test(`tool_choice ${toolChoice} answers in text (${question === QUESTION ? "tool not named" : "tool named"})`, async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [question],
      tools: [WEATHER_TOOL],
      tool_choice: toolChoice,
    });
    const [choice] = completion.choices;
    assert.equal(choice.finish_reason, "stop");
    assert.equal(choice.message.tool_calls, undefined);
    assert.equal(choice.message.content, `You said: ${question.content}`);
  });
}

test("tool round trip", async () => {
  const first = await client.chat.completions.create({
    model: MODEL,
    messages: [QUESTION],
    tools: [WEATHER_TOOL],
    tool_choice: "required",
  });
  const assistant = first.choices[0].message; // sent back exactly as the SDK returned it
  const [call] = assistant.tool_calls;
  const second = await client.chat.completions.create({
    model: MODEL,
    messages: [QUESTION, assistant, { role: "tool", tool_call_id: call.id, content: "sunny, 21C" }],
    tools: [WEATHER_TOOL],
  });
  assert.equal(second.choices[0].message.content, "The tool returned: sunny, 21C");
  assert.equal(second.choices[0].finish_reason, "stop");
});

test("streamed tool call", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [QUESTION],
    tools: [WEATHER_TOOL],
    tool_choice: "required",
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  assert.ok(deltas.length > 0);
  for (const d of deltas) assert.equal(d.index, 0);
  assert.ok(deltas[0].id);
  assert.equal(deltas[0].type, "function");
  assert.equal(deltas[0].function.name, "get_weather");
  for (const d of deltas.slice(1)) assert.equal(d.id, undefined, "only the first delta carries the id");
  const args = JSON.parse(deltas.map((d) => d.function?.arguments ?? "").join(""));
  assert.ok("city" in args);
  const finishes = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
  assert.deepEqual(finishes, ["tool_calls"]);
});

test("stream helper accumulates the tool call", async () => {
  const runner = client.chat.completions.stream({
    model: MODEL,
    messages: [QUESTION],
    tools: [WEATHER_TOOL],
    tool_choice: "required",
  });
  const final = await runner.finalChatCompletion();
  const [call] = final.choices[0].message.tool_calls;
  assert.equal(call.function.name, "get_weather");
  assert.ok("city" in JSON.parse(call.function.arguments));
  assert.equal(final.choices[0].finish_reason, "tool_calls");
});
