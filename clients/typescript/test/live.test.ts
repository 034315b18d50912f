// The TypeScript client against a live `amazon-chat serve --demo` (see server.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  assistant,
  chatRequest,
  embeddingsRequest,
  embeddingVectors,
  imageInput,
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
const TITAN_V2 = "amazon.titan-embed-text-v2:0";
const COHERE_V3 = "cohere.embed-english-v3";
const COHERE_V4 = "us.cohere.embed-v4:0";
const NOVA = "amazon.nova-2-multimodal-embeddings-v1:0";
// A 1x1 PNG.
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const norm = (v: number[]): number => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
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

  it("embeds texts in order, one vector each", async () => {
    const [one, two, again, ...rest] = await client.embed(TITAN_V2, ["hello world", "the quick brown fox", "hello world"]);
    assert.ok(one && two && again);
    assert.equal(rest.length, 0);
    assert.equal(one.length, 1024);
    assert.equal(two.length, 1024);
    assert.ok(Math.abs(norm(one) - 1) < 1e-3 && Math.abs(norm(two) - 1) < 1e-3);
    assert.deepEqual(again, one, "the same text, the same vector");
    assert.notDeepEqual(two, one);
    assert.deepEqual(await client.embed(TITAN_V2, "hello world"), [one]);
    const [small] = await client.embed(TITAN_V2, "hello world", { dimensions: 256 });
    assert.ok(small);
    assert.equal(small.length, 256);
    assert.ok(Math.abs(norm(small) - 1) < 1e-3);
  });

  it("answers CreateEmbeddings with the list, its indexes and usage", async () => {
    const texts = ["hello world", "the quick brown fox", "one"];
    const response = await client.createEmbeddings(embeddingsRequest(TITAN_V2, texts));
    assert.equal(response.object, "list");
    assert.equal(response.model, TITAN_V2);
    assert.deepEqual(response.data.map((e) => e.index), [0, 1, 2]);
    assert.ok(response.data.every((e) => e.object === "embedding" && e.embedding.length === 1024));
    assert.ok(response.data.every((e) => e.embeddingBase64 === undefined));
    assert.equal(response.usage?.promptTokens, 7, "the words of the inputs");
    assert.equal(response.usage?.totalTokens, 7);
    assert.deepEqual(embeddingVectors(response), await client.embed(TITAN_V2, texts));

    // The raw generated client, given the key and a deadline itself.
    const raw = await client.embeddingService.createEmbeddings(embeddingsRequest(TITAN_V2, "one"), {
      timeoutMs: 10_000,
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    assert.deepEqual(raw.data[0]?.embedding, response.data[2]?.embedding);
  });

  it("sends vectors as base64 when asked", async () => {
    const floats = await client.embed(TITAN_V2, ["hello world", "one"], { dimensions: 512 });
    const response = await client.createEmbeddings(
      embeddingsRequest(TITAN_V2, ["hello world", "one"], { dimensions: 512, encodingFormat: "base64" }),
    );
    assert.ok(response.data.every((e) => e.embeddingBase64 !== undefined && e.embedding.length === 0));
    assert.equal(Buffer.from(response.data[0]?.embeddingBase64 ?? "", "base64").length, 4 * 512);
    assert.deepEqual(embeddingVectors(response), floats);
  });

  it("embeds with each family: sizes, batches, input types, images", async () => {
    // Cohere v3: 1024 dimensions, batches of 96 that keep the inputs' order.
    const passages = Array.from({ length: 100 }, (_, i) => `passage ${i}`);
    const batch = await client.createEmbeddings(embeddingsRequest(COHERE_V3, passages));
    assert.deepEqual(batch.data.map((e) => e.index), [...passages.keys()]);
    assert.ok(batch.data.every((e) => e.embedding.length === 1024));
    assert.equal(batch.usage?.promptTokens, 200);
    assert.deepEqual(await client.embed(COHERE_V3, "passage 99"), [batch.data[99]?.embedding]);
    // input_type: the default is search_document; another gives another vector.
    const [document] = await client.embed(COHERE_V3, "hello world", { inputType: "search_document" });
    const [query] = await client.embed(COHERE_V3, "hello world", { inputType: "search_query" });
    assert.deepEqual(await client.embed(COHERE_V3, "hello world"), [document]);
    assert.notDeepEqual(query, document);

    // Cohere v4: 1536 by default, or 256/512/1024; normalize gives unit vectors.
    const [v4] = await client.embed(COHERE_V4, "hello world");
    assert.equal(v4?.length, 1536);
    const [v4Small] = await client.embed(COHERE_V4, "hello world", { dimensions: 512, normalize: true });
    assert.ok(v4Small);
    assert.equal(v4Small.length, 512);
    assert.ok(Math.abs(norm(v4Small) - 1) < 1e-3);

    // Nova: 3072 by default, texts and images.
    const [text, image] = await client.embed(NOVA, ["a cat", imageInput(PNG)]);
    assert.equal(text?.length, 3072);
    assert.equal(image?.length, 3072);
    assert.notDeepEqual(text, image);
    const small = await client.embed(NOVA, ["a cat", imageInput(PNG)], { dimensions: 384 });
    assert.deepEqual(small.map((v) => v.length), [384, 384]);
    assert.notDeepEqual(await client.embed(NOVA, "a cat", { inputType: "search_query" }), [text]);
  });

  it("fails embeddings with INVALID_ARGUMENT naming what is wrong", async () => {
    for (const [request, message] of [
      [embeddingsRequest(MODEL, "hi"), "not an embedding model"],
      [embeddingsRequest(TITAN_V2, "hi", { dimensions: 300 }), "dimensions"],
      [embeddingsRequest(TITAN_V2, imageInput(PNG)), "inputs[0].image_url"],
    ] as const) {
      const err = await statusOf(client.createEmbeddings(request));
      assert.equal(err.code, Code.InvalidArgument);
      assert.ok(err.rawMessage.includes(message), err.rawMessage);
    }
    assert.equal((await statusOf(client.embed(MODEL, "hi"))).code, Code.InvalidArgument);
  });

  it("fails embeddings with UNAUTHENTICATED and DEADLINE_EXCEEDED", async () => {
    for (const apiKey of ["wrong-key", undefined]) {
      const bad = createAmazonChatClient({ target: server.target, apiKey, timeoutMs: 10_000 });
      try {
        assert.equal((await statusOf(bad.embed(TITAN_V2, "hi"))).code, Code.Unauthenticated);
      } finally {
        bad.close();
      }
    }
    assert.equal((await statusOf(client.embed(TITAN_V2, SLOW_PROMPT, { timeoutMs: 250 }))).code, Code.DeadlineExceeded);
  });
});
