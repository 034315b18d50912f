// The TypeScript client against a live `amazon-chat serve --demo` (see server.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  assistant,
  chatRequest,
  reasoningText,
  Code,
  ConnectError,
  createAmazonChatClient,
  functionTool,
  toolResult,
  user,
  type AmazonChatClient,
} from "../src/index.js";
import { startServer, type TestServer } from "./server.js";

const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
const PROMPT = "hello there";
// A model that can reason (the emulator thinks "Let me think about: <prompt>" first, and signs it).
const SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0";
const SLOW_PROMPT = "[[emulator:delay=2000ms]] are you there?";
const WEATHER = functionTool(
  "get_weather",
  { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  "Current weather in a city",
);

async function statusOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe("amazon-chat TypeScript client (live)", () => {
  let server: TestServer;
  let client: AmazonChatClient;

  before(async () => {
    server = await startServer();
    client = createAmazonChatClient({ target: server.target, apiKey: server.apiKey, timeoutMs: 30_000 });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  it("answers a unary chat", async () => {
    assert.equal(await client.chat(MODEL, PROMPT), "You said: hello there");
    const response = await client.chatCompletion(chatRequest(MODEL, PROMPT));
    assert.equal(response.object, "chat.completion");
    assert.equal(response.model, MODEL);
    assert.ok(response.id);
    assert.equal(response.choices.length, 1);
    assert.equal(response.choices[0]?.message?.role, "assistant");
    assert.equal(response.choices[0]?.finishReason, "stop");
    const usage = response.usage;
    assert.ok(usage);
    assert.equal(usage.totalTokens, usage.promptTokens + usage.completionTokens);
  });

  it("streams the same answer in several chunks", async () => {
    const unary = await client.chat(MODEL, PROMPT);
    const chunks = await drain(
      client.streamChatCompletion(chatRequest(MODEL, PROMPT, { streamOptions: { includeUsage: true } })),
    );
    const content = chunks.filter((c) => c.choices.length > 0);
    assert.ok(content.length >= 2, "expected the answer in several chunks");
    assert.equal(content[0]?.choices[0]?.delta?.role, "assistant");
    assert.equal(content.at(-1)?.choices[0]?.finishReason, "stop");
    assert.equal(content.map((c) => c.choices[0]?.delta?.content ?? "").join(""), unary);
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk"));
    const last = chunks.at(-1);
    assert.ok(last && last.choices.length === 0 && last.usage && last.usage.totalTokens > 0);
    assert.equal((await drain(client.streamChat(MODEL, PROMPT))).join(""), unary);
  });

  it("lists and gets models", async () => {
    const models = await client.listModels();
    assert.ok(models.some((m) => m.id === MODEL));
    const model = await client.getModel(MODEL);
    assert.equal(model.id, MODEL);
    assert.equal(model.object, "model");
  });

  it("round-trips a tool call", async () => {
    const ask = user("What is the weather in Paris?");
    const first = await client.chatCompletion(
      chatRequest(MODEL, ask, { tools: [WEATHER], toolChoice: { choice: { case: "mode", value: "required" } } }),
    );
    const choice = first.choices[0];
    assert.equal(choice?.finishReason, "tool_calls");
    const call = choice?.message?.toolCalls[0];
    assert.ok(call?.id);
    assert.equal(call.type, "function");
    assert.equal(call.function?.name, "get_weather");
    assert.ok("city" in JSON.parse(call.function?.arguments ?? "{}"));

    const history = [ask, assistant(undefined, choice?.message?.toolCalls), toolResult(call.id, "sunny, 21C")];
    const second = await client.chatCompletion(chatRequest(MODEL, history, { tools: [WEATHER] }));
    assert.equal(second.choices[0]?.finishReason, "stop");
    const content = second.choices[0]?.message?.content;
    assert.ok(content?.case === "text" && content.value.includes("sunny, 21C"));
  });

  it("answers with its reasoning when asked to reason", async () => {
    const answer = await client.chatAnswer(SONNET_4, PROMPT, { reasoningEffort: "low" });
    assert.equal(answer.text, "You said: hello there");
    assert.equal(answer.reasoning, "Let me think about: hello there");
    assert.equal(answer.finishReason, "stop");
    assert.equal(answer.thinkingBlocks.length, 1);
    const [block] = answer.thinkingBlocks;
    assert.equal(block?.type, "thinking");
    assert.equal(block?.thinking, answer.reasoning);
    assert.ok(block?.signature);
    assert.equal(reasoningText(answer.response), answer.reasoning);
    assert.equal(await client.chat(SONNET_4, PROMPT, { reasoningEffort: "low" }), answer.text);

    // The answer's message replays as it is (its signed block included), and so does assistant().
    for (const replayed of [answer.message, assistant(answer.text, [], answer.thinkingBlocks)]) {
      const again = await client.chatAnswer(SONNET_4, [user(PROMPT), replayed, user("and again")], {
        reasoningEffort: "low",
      });
      assert.deepEqual([again.text, again.reasoning], ["You said: and again", "Let me think about: and again"]);
    }
  });

  it("fails with UNAUTHENTICATED for a wrong or missing API key", async () => {
    for (const apiKey of ["wrong-key", undefined]) {
      const bad = createAmazonChatClient({ target: server.target, apiKey, timeoutMs: 10_000 });
      try {
        assert.equal((await statusOf(bad.chat(MODEL, PROMPT))).code, Code.Unauthenticated);
        assert.equal((await statusOf(bad.listModels())).code, Code.Unauthenticated);
      } finally {
        bad.close();
      }
    }
  });

  it("fails with NOT_FOUND for an unknown model", async () => {
    const err = await statusOf(client.chat("no-such-model", PROMPT));
    assert.equal(err.code, Code.NotFound);
    assert.ok(err.rawMessage.length > 0);
    assert.equal((await statusOf(client.getModel("no-such-model"))).code, Code.NotFound);
  });

  it("fails with DEADLINE_EXCEEDED when the deadline expires", async () => {
    assert.equal((await statusOf(client.chat(MODEL, SLOW_PROMPT, { timeoutMs: 250 }))).code, Code.DeadlineExceeded);
    assert.equal((await statusOf(drain(client.streamChat(MODEL, SLOW_PROMPT, { timeoutMs: 250 })))).code, Code.DeadlineExceeded);
  });
});
