/**
 * amazon-chat's TypeScript client: chat completions over Amazon Bedrock, through gRPC.
 *
 * A thin layer over the generated protobuf-es messages and Connect's gRPC transport for Node.js:
 * connect with a target and an API key (sent as `authorization: Bearer <key>`), a deadline on every
 * call (the client's `timeoutMs`, or the call's own), a one-call `chat()`, and streaming as an async
 * iterable. Failed calls reject (or throw from the iteration) with Connect's `ConnectError`, which
 * carries the gRPC status: `err.code` (a `Code`, same numbers as gRPC's) and `err.rawMessage`.
 *
 * ```ts
 * const client = createAmazonChatClient({ target: "127.0.0.1:8000", apiKey: "KEY" });
 * console.log(await client.chat("anthropic.claude-3-haiku-20240307-v1:0", "Hello!"));
 * ```
 *
 * Reasoning: `{ reasoningEffort: "low" }` on `chat()`, `chatAnswer()` or `streamChat()` asks a model that
 * can reason to think first; `chatAnswer()` resolves to an `Answer` with the reasoning text beside the
 * answer's, and `reasoningText(response)` reads it from a full response.
 *
 * Embeddings: `await client.embed(model, texts, { dimensions: 256 })` resolves to one vector (a
 * `number[]`) per text, in order; `createEmbeddings(embeddingsRequest(...))` to the whole
 * `CreateEmbeddingsResponse` (images too, through `imageInput()`), whose vectors, base64 ones
 * included, `embeddingVectors(response)` reads.
 *
 * TLS: `{ tls: { caFile: "ca.pem" } }` trusts that CA (Node's roots without one); `certFile` and
 * `keyFile` (or `cert` / `key` as PEM) present a client certificate, for a server that requires one
 * (mTLS). The default stays plaintext HTTP/2.
 */

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { JsonObject } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { readFileSync } from "node:fs";
import type { SecureClientSessionOptions } from "node:http2";

import {
  ChatCompletionRequestSchema,
  ChatService,
  MessageSchema,
  ToolSchema,
  type ChatCompletionResponse,
  type Message,
  type StreamChatCompletionResponse,
  type ThinkingBlock,
  type Tool,
  type ToolCall,
} from "./gen/amazon_chat/v1/chat_pb.js";
import {
  CreateEmbeddingsRequestSchema,
  EmbeddingInputSchema,
  EmbeddingService,
  type CreateEmbeddingsRequest,
  type CreateEmbeddingsResponse,
  type EmbeddingInput,
} from "./gen/amazon_chat/v1/embeddings_pb.js";
import { ModelService, type Model } from "./gen/amazon_chat/v1/models_pb.js";

export * from "./gen/amazon_chat/v1/chat_pb.js";
export * from "./gen/amazon_chat/v1/embeddings_pb.js";
export * from "./gen/amazon_chat/v1/models_pb.js";
export { Code, ConnectError } from "@connectrpc/connect";

/** Milliseconds a call may take unless the client or the call says otherwise. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * How to connect over TLS. Each PEM comes as its contents (`ca`, `cert`, `key`: a string or a
 * Buffer) or a file's path (`caFile`, `certFile`, `keyFile`, read when the client is made); give one
 * of each pair at most. Without a CA, Node's default roots are trusted. A client certificate
 * (`cert`/`certFile` with `key`/`keyFile`, together or not at all) is for a server that requires one
 * (mTLS). The server's certificate must name the target's host (`localhost`, `127.0.0.1`, ...).
 */
export interface TlsOptions {
  /** The PEM CA certificate(s) to trust instead of Node's default roots. */
  ca?: string | Buffer;
  /** The path of a PEM file of CA certificates (instead of `ca`). */
  caFile?: string;
  /** The PEM client certificate chain, leaf first (mTLS). */
  cert?: string | Buffer;
  /** The path of `cert`'s file. */
  certFile?: string;
  /** The client certificate's PEM private key (mTLS). */
  key?: string | Buffer;
  /** The path of `key`'s file. */
  keyFile?: string;
}

export interface AmazonChatClientOptions {
  /**
   * Where the server listens: `host:port` or `http://host:port` (plaintext HTTP/2), or
   * `https://host:port` (TLS). With `tls`, `host:port` means TLS.
   */
  target: string;
  /** Connect over TLS (and mTLS) with these certificates; the default is plaintext HTTP/2. */
  tls?: TlsOptions;
  /** Sent on every call as `authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Default deadline of each call in milliseconds; 0 means none. Default: 60 s. */
  timeoutMs?: number;
  /** Extra Connect interceptors (logging, tracing, ...), run after the one that adds the API key. */
  interceptors?: Interceptor[];
}

/** Per-call options. */
export interface CallOptions {
  /** This call's deadline in milliseconds (0: none); default: the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
}

/** A ChatCompletionRequest as a plain object (any field of the message). */
export type ChatCompletionRequestInit = MessageInitShape<typeof ChatCompletionRequestSchema>;
/** A Message as a plain object. */
export type MessageInit = MessageInitShape<typeof MessageSchema>;
/** A user message's text, one message, or the whole conversation. */
export type Prompt = string | MessageInit | MessageInit[];
/** OpenAI's reasoning efforts; "none" turns thinking off. */
export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";
/**
 * Request fields other than the model and the messages, for `chat()`, `chatAnswer()` and `streamChat()`.
 * `reasoningEffort` asks a model that can reason to think first (any other model fails with
 * INVALID_ARGUMENT); the server maps it per model family.
 */
export type ChatFields = Omit<ChatCompletionRequestInit, "model" | "messages" | "$typeName" | "reasoningEffort"> & {
  reasoningEffort?: ReasoningEffort;
};

/** A CreateEmbeddingsRequest as a plain object (any field of the message). */
export type CreateEmbeddingsRequestInit = MessageInitShape<typeof CreateEmbeddingsRequestSchema>;
/** An EmbeddingInput as a plain object. */
export type EmbeddingInputInit = MessageInitShape<typeof EmbeddingInputSchema>;
/** What to embed: a text, an input (`textInput()`, `imageInput()`), or several of either, in order. */
export type EmbeddingInputs = string | EmbeddingInputInit | (string | EmbeddingInputInit)[];
/**
 * What the vectors are for (Cohere's `input_type`, Nova's embedding purpose; Titan has none). The
 * server's default is "search_document" (or its `--embedding-input-type`).
 */
export type InputType = "search_document" | "search_query" | "classification" | "clustering";
/** Floats (`Embedding.embedding`, the default) or base64 of little-endian 32-bit floats (`embeddingBase64`). */
export type EncodingFormat = "float" | "base64";
/**
 * Request fields other than the model and the inputs, for `embeddingsRequest()`: `dimensions` (the
 * vector size, where the model offers several), `inputType`, `normalize`, `encodingFormat`, `user`.
 * Left out, each is the server's: the model's default size, the server's input type, the model's
 * own vectors (Titan V2 normalises by default), floats.
 */
export type EmbeddingsFields = Omit<
  CreateEmbeddingsRequestInit,
  "model" | "inputs" | "$typeName" | "inputType" | "encodingFormat"
> & {
  inputType?: InputType;
  encodingFormat?: EncodingFormat;
};
/** The fields `embed()` takes (it asks for floats). */
export type EmbedFields = Omit<EmbeddingsFields, "encodingFormat">;

/** An answer with what came with it: `chatAnswer()`'s result. */
export interface Answer {
  /** The answer's text ("" if the model only called tools). */
  text: string;
  /** The model's reasoning, all its blocks' text joined ("" if it did not reason). */
  reasoning: string;
  /** The signed reasoning blocks, to replay unchanged. */
  thinkingBlocks: ThinkingBlock[];
  /** The tool calls the model made. */
  toolCalls: ToolCall[];
  /** "stop", "length", "tool_calls" or "content_filter" ("" if there was no choice). */
  finishReason: string;
  /** The assistant message as the server sent it: append it to the history to continue. */
  message: Message;
  /** The whole response. */
  response: ChatCompletionResponse;
}

/** A system message. */
export function system(text: string): Message {
  return create(MessageSchema, { role: "system", content: { case: "text", value: text } });
}

/** A user message. */
export function user(text: string): Message {
  return create(MessageSchema, { role: "user", content: { case: "text", value: text } });
}

/**
 * An assistant message (to replay history): text, tool calls, or both, with the thinking blocks the
 * answer came with (send them back unchanged: their signatures are checked).
 */
export function assistant(text?: string, toolCalls: ToolCall[] = [], thinkingBlocks: ThinkingBlock[] = []): Message {
  return create(MessageSchema, {
    role: "assistant",
    content: text === undefined ? { case: undefined } : { case: "text", value: text },
    toolCalls,
    thinkingBlocks,
  });
}

/** A tool message answering the tool call `toolCallId`. */
export function toolResult(toolCallId: string, text: string): Message {
  return create(MessageSchema, { role: "tool", toolCallId, content: { case: "text", value: text } });
}

/** A function tool; `parameters` is its arguments' JSON Schema. */
export function functionTool(name: string, parameters?: JsonObject, description?: string): Tool {
  return create(ToolSchema, { type: "function", function: { name, parameters, description } });
}

/** The text of a response's first choice ("" if none). */
export function answerText(response: ChatCompletionResponse): string {
  const content = response.choices[0]?.message?.content;
  return content?.case === "text" ? content.value : "";
}

/** The model's reasoning in a response's first choice ("" if it did not reason). */
export function reasoningText(response: ChatCompletionResponse): string {
  return response.choices[0]?.message?.reasoningContent ?? "";
}

/** The `Answer` of a response's first choice. */
export function answerOf(response: ChatCompletionResponse): Answer {
  const choice = response.choices[0];
  const message = choice?.message ?? create(MessageSchema, { role: "assistant" });
  return {
    text: answerText(response),
    reasoning: reasoningText(response),
    thinkingBlocks: message.thinkingBlocks,
    toolCalls: message.toolCalls,
    finishReason: choice?.finishReason ?? "",
    message,
    response,
  };
}

/** A ChatCompletionRequest for `model`. */
export function chatRequest(model: string, prompt: Prompt, fields: ChatFields = {}) {
  const messages =
    typeof prompt === "string" ? [user(prompt)] : Array.isArray(prompt) ? prompt : [prompt];
  return create(ChatCompletionRequestSchema, { ...fields, model, messages });
}

/** A text to embed. */
export function textInput(text: string): EmbeddingInput {
  return create(EmbeddingInputSchema, { input: { case: "text", value: text } });
}

/**
 * An image to embed, as a base64 data URL (`data:image/png;base64,...`), on the models that take
 * images (Cohere v3 and v4, Nova).
 */
export function imageInput(imageUrl: string): EmbeddingInput {
  return create(EmbeddingInputSchema, { input: { case: "imageUrl", value: imageUrl } });
}

/** A CreateEmbeddingsRequest for `model`; strings among `inputs` are texts. */
export function embeddingsRequest(
  model: string,
  inputs: EmbeddingInputs,
  fields: EmbeddingsFields = {},
): CreateEmbeddingsRequest {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  return create(CreateEmbeddingsRequestSchema, {
    ...fields,
    model,
    inputs: list.map((i) => (typeof i === "string" ? textInput(i) : i)),
  });
}

/**
 * The vectors of a response, in the order of the inputs: the floats, or the base64 ones decoded
 * (encodingFormat "base64").
 */
export function embeddingVectors(response: CreateEmbeddingsResponse): number[][] {
  return [...response.data]
    .sort((a, b) => a.index - b.index)
    .map((item) => {
      if (item.embeddingBase64 === undefined) return item.embedding;
      const bytes = Buffer.from(item.embeddingBase64, "base64");
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return Array.from({ length: Math.floor(bytes.byteLength / 4) }, (_, i) => view.getFloat32(i * 4, true));
    });
}

/** One PEM of a pair (contents or path); undefined when neither is given. */
function pem(what: string, contents: string | Buffer | undefined, file: string | undefined): string | Buffer | undefined {
  if (contents !== undefined && file !== undefined) throw new Error(`tls: give ${what} or ${what}File, not both`);
  if (file === undefined) return contents;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`tls.${what}File: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The node:http2 options of a TLS connection with `tls`'s certificates. */
export function tlsSessionOptions(tls: TlsOptions): SecureClientSessionOptions {
  const ca = pem("ca", tls.ca, tls.caFile);
  const cert = pem("cert", tls.cert, tls.certFile);
  const key = pem("key", tls.key, tls.keyFile);
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error("tls: give a client certificate and its key together (cert/certFile with key/keyFile), or neither");
  }
  const options: SecureClientSessionOptions = {};
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) options.key = key;
  return options;
}

/** The base URL for `target`: `http://` for `host:port`, or `https://` with `tls`. */
function baseUrlOf(target: string, tls: TlsOptions | undefined): string {
  if (/^https?:\/\//.test(target)) {
    if (tls && target.startsWith("http://")) throw new Error(`tls was given but the target is plaintext: ${target}`);
    return target;
  }
  return `${tls ? "https" : "http"}://${target}`;
}

/** An amazon-chat client. Call `close()` when done. */
export class AmazonChatClient {
  /** The raw generated ChatService client, for anything this layer does not cover. */
  readonly chatService: Client<typeof ChatService>;
  /** The raw generated ModelService client. */
  readonly modelService: Client<typeof ModelService>;
  /** The raw generated EmbeddingService client. */
  readonly embeddingService: Client<typeof EmbeddingService>;
  /** The default deadline of each call in milliseconds (0: none). */
  readonly timeoutMs: number;
  private readonly sessions: Http2SessionManager;

  constructor(options: AmazonChatClientOptions) {
    const baseUrl = baseUrlOf(options.target, options.tls);
    const apiKey = options.apiKey;
    const auth: Interceptor = (next) => async (req) => {
      if (apiKey) req.header.set("authorization", `Bearer ${apiKey}`);
      return next(req);
    };
    this.sessions = new Http2SessionManager(
      baseUrl,
      undefined,
      options.tls ? tlsSessionOptions(options.tls) : undefined,
    );
    const transport: Transport = createGrpcTransport({
      baseUrl,
      sessionManager: this.sessions,
      interceptors: [auth, ...(options.interceptors ?? [])],
    });
    this.chatService = createClient(ChatService, transport);
    this.modelService = createClient(ModelService, transport);
    this.embeddingService = createClient(EmbeddingService, transport);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Closes the HTTP/2 connection; calls still running fail. */
  close(): void {
    this.sessions.abort();
  }

  /** Asks `model` and returns the answer's text. */
  async chat(model: string, prompt: Prompt, options: CallOptions & ChatFields = {}): Promise<string> {
    const { timeoutMs, signal, ...fields } = options;
    const response = await this.chatCompletion(chatRequest(model, prompt, fields), { timeoutMs, signal });
    return answerText(response);
  }

  /**
   * Asks `model` and resolves to the `Answer`: its text, the model's reasoning (ask for it with
   * `{ reasoningEffort: "low" }`, ...), the thinking blocks and the assistant message to replay.
   */
  async chatAnswer(model: string, prompt: Prompt, options: CallOptions & ChatFields = {}): Promise<Answer> {
    const { timeoutMs, signal, ...fields } = options;
    return answerOf(await this.chatCompletion(chatRequest(model, prompt, fields), { timeoutMs, signal }));
  }

  /** ChatService.ChatCompletion: the complete answer. */
  chatCompletion(request: ChatCompletionRequestInit, options: CallOptions = {}): Promise<ChatCompletionResponse> {
    return this.chatService.chatCompletion(request, this.callOptions(options));
  }

  /** ChatService.StreamChatCompletion: the chunks as they arrive. The deadline covers the whole stream. */
  streamChatCompletion(
    request: ChatCompletionRequestInit,
    options: CallOptions = {},
  ): AsyncIterable<StreamChatCompletionResponse> {
    return this.chatService.streamChatCompletion(request, this.callOptions(options));
  }

  /** Streams the answer's text fragments. */
  async *streamChat(model: string, prompt: Prompt, options: CallOptions & ChatFields = {}): AsyncGenerator<string> {
    const { timeoutMs, signal, ...fields } = options;
    const request = chatRequest(model, prompt, fields);
    for await (const chunk of this.streamChatCompletion(request, { timeoutMs, signal })) {
      const text = chunk.choices.map((c) => c.delta?.content ?? "").join("");
      if (text) yield text;
    }
  }

  /**
   * Embeds `texts` (a text, or several, in order; images through `imageInput()`) with `model` and
   * resolves to one vector per input, in order.
   */
  async embed(model: string, texts: EmbeddingInputs, options: CallOptions & EmbedFields = {}): Promise<number[][]> {
    const { timeoutMs, signal, ...fields } = options;
    const response = await this.createEmbeddings(embeddingsRequest(model, texts, fields), { timeoutMs, signal });
    return embeddingVectors(response);
  }

  /** EmbeddingService.CreateEmbeddings: the whole response (vectors, usage). */
  createEmbeddings(request: CreateEmbeddingsRequestInit, options: CallOptions = {}): Promise<CreateEmbeddingsResponse> {
    return this.embeddingService.createEmbeddings(request, this.callOptions(options));
  }

  /** ModelService.ListModels: the models, sorted by id. */
  async listModels(options: CallOptions = {}): Promise<Model[]> {
    return (await this.modelService.listModels({}, this.callOptions(options))).data;
  }

  /** ModelService.GetModel; fails with NOT_FOUND if the model is not served. */
  async getModel(id: string, options: CallOptions = {}): Promise<Model> {
    const response = await this.modelService.getModel({ id }, this.callOptions(options));
    if (!response.model) throw new Error("GetModel answered without a model");
    return response.model;
  }

  private callOptions(options: CallOptions): { timeoutMs?: number; signal?: AbortSignal } {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return { timeoutMs: timeoutMs > 0 ? timeoutMs : undefined, signal: options.signal };
  }
}

/** Connects to amazon-chat (lazily: the connection opens with the first call). */
export function createAmazonChatClient(options: AmazonChatClientOptions): AmazonChatClient {
  return new AmazonChatClient(options);
}
