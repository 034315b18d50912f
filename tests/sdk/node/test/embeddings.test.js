// /v1/embeddings through the openai npm package. Like openai-python, it asks for base64 vectors
// unless told otherwise, and decodes them: both encodings must give the same vector.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import OpenAI from "openai";

import { MODEL, startServer } from "../server.js";

const TITAN_V2 = "amazon.titan-embed-text-v2:0";
const COHERE_V3 = "cohere.embed-english-v3";

let server;
let client;
before(async () => {
  server = await startServer();
  client = server.client();
});
after(async () => server?.stop());

const norm = (vector) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));

test("one text: 1024 unit-length floats and Bedrock's token count", async () => {
  const result = await client.embeddings.create({ model: TITAN_V2, input: "The quick brown fox" });
  assert.equal(result.object, "list");
  assert.equal(result.model, TITAN_V2);
  assert.equal(result.data.length, 1);
  assert.equal(result.data[0].embedding.length, 1024);
  assert.ok(Math.abs(norm(result.data[0].embedding) - 1) < 1e-3);
  assert.deepEqual(result.usage, { prompt_tokens: 4, total_tokens: 4 });
});

test("the SDK's base64 and explicit floats give the same vector", async () => {
  const decoded = await client.embeddings.create({ model: TITAN_V2, input: "same text", dimensions: 256 });
  const floats = await client.embeddings.create({
    model: TITAN_V2, input: "same text", dimensions: 256, encoding_format: "float",
  });
  assert.equal(decoded.data[0].embedding.length, 256);
  decoded.data[0].embedding.forEach((x, i) => assert.ok(Math.abs(x - floats.data[0].embedding[i]) < 1e-6));
});

test("a batch over Cohere's 96 keeps its order", async () => {
  const input = Array.from({ length: 100 }, (_, i) => `passage number ${i}`);
  const batch = await client.embeddings.create({ model: COHERE_V3, input, encoding_format: "float" });
  assert.deepEqual(batch.data.map((e) => e.index), [...Array(100).keys()]);
  const single = await client.embeddings.create({ model: COHERE_V3, input: input[97], encoding_format: "float" });
  assert.deepEqual(batch.data[97].embedding, single.data[0].embedding);
  assert.equal(batch.usage.prompt_tokens, 300);
});

test("a chat model is a BadRequestError naming model", async () => {
  await assert.rejects(client.embeddings.create({ model: MODEL, input: "hi" }), (error) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.error.param, "model");
    assert.match(error.error.message, /not an embedding model/);
    return true;
  });
});
