//! OpenAI's Chat Completions JSON, as serde types. These are the REST shim's wire format and, through
//! utoipa, the source of `/openapi.json`, so the document cannot drift from what the handlers accept.
//!
//! OpenAI's JSON is not the proto3 JSON mapping (`content` and `stop` take a string or a list,
//! `tool_choice` a string or an object, errors an `{"error": {...}}` envelope), hence these types.
//! Unknown request fields are ignored, as OpenAI SDKs add new ones often.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/chat/completions` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ChatCompletionRequest {
    /// A Bedrock model id, inference profile id, or inference profile ARN.
    #[schema(min_length = 1, max_length = 2048, example = "anthropic.claude-3-haiku-20240307-v1:0")]
    pub model: String,
    /// The conversation, oldest first.
    #[schema(min_items = 1)]
    pub messages: Vec<ChatMessage>,
    /// Answer as Server-Sent Events.
    #[serde(default)]
    pub stream: Option<bool>,
    /// Streaming options.
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
    /// Upper bound on generated tokens.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_tokens: Option<u32>,
    /// Upper bound on generated tokens (newer name).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_completion_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2)]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1)]
    pub top_p: Option<f64>,
    /// Stop sequences: one string or a list.
    #[serde(default)]
    pub stop: Option<Stop>,
    /// Tools the model may call.
    #[serde(default)]
    pub tools: Option<Vec<Tool>>,
    /// `"none"`, `"auto"`, `"required"`, or `{"type": "function", "function": {"name": ...}}`.
    #[serde(default)]
    pub tool_choice: Option<ToolChoice>,
    /// Accepted, not sent: Converse has no such setting and the model decides, so `false` is not
    /// enforced (a turn may still hold several tool calls).
    #[serde(default)]
    pub parallel_tool_calls: Option<bool>,
    /// An end-user id: recorded on the call's log lines, not sent to Bedrock.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub user: Option<String>,
    /// Bedrock's service tier: `auto` (Bedrock's default, not sent), `default`, `flex`, `priority`,
    /// or `reserved` (`scale` means the same). The answer's `service_tier` says which served it.
    #[serde(default)]
    #[schema(pattern = "^(auto|default|flex|scale|priority|reserved)$")]
    pub service_tier: Option<String>,
    /// Sent as Bedrock's `requestMetadata` (invocation logs): at most 16 pairs, keys up to 64 and
    /// values up to 256 characters of letters, digits, whitespace and `: _ @ $ # = / + , - .`.
    /// The server adds `api_key_name` (the caller's key name) when there is room.
    #[serde(default)]
    pub metadata: Option<std::collections::HashMap<String, String>>,
    /// Bedrock-only: `{"latency": "optimized"}` for latency-optimised inference where offered.
    #[serde(default)]
    pub performance_config: Option<PerformanceConfig>,
    /// Accepted, not sent: the server stores nothing, and Bedrock has no such setting.
    #[serde(default)]
    pub store: Option<bool>,
    /// Number of choices; only 1.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1)]
    pub n: Option<u32>,
    /// Log probabilities; not available on Bedrock.
    #[serde(default)]
    pub logprobs: Option<bool>,
    /// Top log probabilities; not available on Bedrock.
    #[serde(default)]
    pub top_logprobs: Option<u32>,
    /// Not available on Bedrock: only 0 (or absent) is accepted.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 0)]
    pub presence_penalty: Option<f64>,
    /// Not available on Bedrock: only 0 (or absent) is accepted.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 0)]
    pub frequency_penalty: Option<f64>,
    /// Bedrock has no seed: must be absent.
    #[serde(default)]
    pub seed: Option<i64>,
    /// The answer's format. Only `{"type": "text"}` is taken so far.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
    /// OpenAI-only options Bedrock cannot honour: rejected unless absent (or their default).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub logit_bias: Option<serde_json::Value>,
    /// Reasoning: `none` (off), `minimal`, `low`, `medium`, `high`, `xhigh` or `max`, mapped per
    /// model family (Claude's thinking budget or effort, Nova 2's and gpt-oss's effort). A model that
    /// cannot reason answers 400.
    #[serde(default)]
    #[schema(pattern = "^(none|minimal|low|medium|high|xhigh|max)$")]
    pub reasoning_effort: Option<String>,
    /// Anthropic's thinking setting (instead of `reasoning_effort`), for Claude models.
    #[serde(default)]
    pub thinking: Option<Thinking>,
    /// `auto` (the default: the server's `--prompt-cache` policy applies) or `off` (this request
    /// opts out of server-placed cache points).
    #[serde(default)]
    #[schema(pattern = "^(auto|off)$")]
    pub prompt_cache: Option<String>,
    /// Only `["text"]` is supported.
    #[serde(default)]
    pub modalities: Option<Vec<String>>,
    /// Rejected (no audio output on Bedrock's Converse API).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub audio: Option<serde_json::Value>,
    /// Rejected (no predicted outputs on Bedrock).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub prediction: Option<serde_json::Value>,
    /// Rejected (no built-in web search on Bedrock's Converse API).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub web_search_options: Option<serde_json::Value>,
    /// Legacy function calling: rejected with a pointer to `tools`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub functions: Option<serde_json::Value>,
    /// Legacy function calling: rejected with a pointer to `tool_choice`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub function_call: Option<serde_json::Value>,
    /// Bedrock-only: Converse's `additionalModelRequestFields`, passed through.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub additional_model_request_fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// Bedrock-only: a guardrail to apply.
    #[serde(default)]
    pub guardrail_config: Option<GuardrailConfig>,
    /// Whether the answer should cite the request's documents (Claude models); a file part's own
    /// `citations` wins. Citations come back in `message.citations` (streams: `delta.citations`).
    #[serde(default)]
    pub citations: Option<bool>,
}

/// Bedrock's performance setting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PerformanceConfig {
    /// `standard` or `optimized`.
    #[schema(pattern = "^(standard|optimized)$")]
    pub latency: String,
}

/// Anthropic's thinking setting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Thinking {
    /// `enabled` (with `budget_tokens`), `adaptive` or `disabled`.
    #[serde(rename = "type")]
    #[schema(pattern = "^(enabled|adaptive|disabled)$")]
    pub kind: String,
    /// For `enabled`: the thinking budget, at least 1024 and below the output limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1024)]
    pub budget_tokens: Option<u32>,
}

/// A reasoning block with its signature (LiteLLM's `thinking_blocks` convention). Send it back
/// unchanged in the assistant message it came with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ThinkingBlock {
    /// `thinking` or `redacted_thinking`.
    #[serde(rename = "type")]
    #[schema(pattern = "^(thinking|redacted_thinking)$")]
    pub kind: String,
    /// The reasoning text (`thinking`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<String>,
    /// Its signature (`thinking`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The encrypted reasoning, base64 (`redacted_thinking`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// How many of the message's tool calls came before this block (interleaved thinking).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls_before: Option<u32>,
}

/// Anthropic's prompt-cache marker.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CacheControl {
    /// `ephemeral`.
    #[serde(rename = "type")]
    #[schema(pattern = "^ephemeral$")]
    pub kind: String,
    /// `5m` (the default) or `1h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(5m|1h)$")]
    pub ttl: Option<String>,
}

/// One turn of the conversation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChatMessage {
    /// `system`, `developer`, `user`, `assistant` or `tool`.
    #[schema(pattern = "^(system|developer|user|assistant|tool)$")]
    pub role: String,
    /// Text, or a list of parts; may be null for an assistant turn with tool calls.
    #[serde(default)]
    pub content: Option<MessageContent>,
    /// A participant name (accepted, not sent to Bedrock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Assistant turns: the tool calls made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// Tool turns: the call answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// Assistant answers' reasoning text; ignored in requests (the blocks carry it back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// Assistant turns: the reasoning blocks of the answer, sent back unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_blocks: Option<Vec<ThinkingBlock>>,
    /// A prompt-cache marker after this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
}

/// A message's content: a string or a list of parts.
///
/// Deserialized by hand rather than as an untagged enum, so that a bad part is reported at its own
/// path (`messages[0].content[1]`) with its own reason, not as "did not match any variant".
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum MessageContent {
    /// Plain text.
    Text(String),
    /// Text and image parts.
    Parts(Vec<ContentPart>),
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = MessageContent;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of content parts")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<MessageContent, E> {
                Ok(MessageContent::Text(text.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<MessageContent, E> {
                Ok(MessageContent::Text(text))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<MessageContent, A::Error> {
                let mut parts = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(part) = seq.next_element()? {
                    parts.push(part);
                }
                Ok(MessageContent::Parts(parts))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A content part. `input_audio` parts are recognised so that they can be refused by name
/// (Bedrock's Converse API takes no audio); any other unknown type is an error naming the types
/// that exist.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// A text part.
    Text {
        /// The text.
        text: String,
        /// A prompt-cache marker after this part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_control: Option<CacheControl>,
    },
    /// An image part.
    ImageUrl {
        /// The image.
        image_url: ImageUrl,
        /// A prompt-cache marker after this part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_control: Option<CacheControl>,
    },
    /// Audio input: refused (400 naming the part).
    InputAudio {
        /// The audio.
        #[schema(value_type = Object)]
        input_audio: serde_json::Value,
    },
    /// A document (OpenAI's file part): a Converse document block.
    File {
        /// The file.
        file: FilePart,
        /// A prompt-cache marker after this part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_control: Option<CacheControl>,
    },
}

/// A file part's file. `file_data` carries the document; OpenAI's `file_id` (its Files API) is
/// refused. `format`, `citations` and `context` are this gateway's additions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FilePart {
    /// `data:application/pdf;base64,...`: pdf, csv, doc, docx, xls, xlsx, html, txt or md, at most
    /// 4.5 MB decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_data: Option<String>,
    /// The file's name; sent to Bedrock made valid by its rules (letters, digits, single spaces,
    /// hyphens, parentheses, square brackets; unique in the request). Its extension gives the
    /// format when the data URL's media type does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub filename: Option<String>,
    /// Refused: OpenAI's Files API has no counterpart here; send `file_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// The format, when neither the media type nor the filename says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(pdf|csv|doc|docx|xls|xlsx|html|txt|md)$")]
    pub format: Option<String>,
    /// Whether the answer should cite this document (Claude models); default: the request's
    /// `citations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<bool>,
    /// What the document is, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 10000)]
    pub context: Option<String>,
}

/// A passage of a document (or web page) the answer cites.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Citation {
    /// The cited document's name as sent to Bedrock, or a web page's title.
    pub title: String,
    /// Which of the request's documents, counted from 0 in request order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_index: Option<u32>,
    /// The cited text.
    pub cited_text: String,
    /// How `start` and `end` count: `document_char`, `document_page`, `document_chunk`,
    /// `search_result` or `web`.
    pub location_type: String,
    /// Where the passage starts, in the unit of `location_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// Where it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
    /// For web citations: the page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An image: a base64 data URL, an https URL the server fetches, or an `s3://` location.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImageUrl {
    /// `data:image/png;base64,...`, `https://...` (fetched, at most 3.75 MB) or `s3://bucket/key.png`
    pub url: String,
    /// `auto`, `low` or `high` (accepted, not sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A tool call made by the model.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ToolCall {
    /// The call's id.
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    /// The function and its arguments.
    pub function: FunctionCall,
}

fn function_type() -> String {
    "function".to_owned()
}

/// A function call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FunctionCall {
    /// The function's name.
    pub name: String,
    /// The arguments as JSON text.
    pub arguments: String,
}

/// A tool the model may call.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Tool {
    /// Always `function`.
    #[serde(rename = "type")]
    #[schema(pattern = "^function$")]
    pub kind: String,
    /// The function.
    pub function: FunctionDefinition,
    /// A prompt-cache marker after this tool (caches the tools up to here).
    #[serde(default)]
    pub cache_control: Option<CacheControl>,
}

/// A function definition.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FunctionDefinition {
    /// Letters, digits, `_` and `-`, up to 64.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub name: String,
    /// What it does.
    #[serde(default)]
    pub description: Option<String>,
    /// The arguments' JSON Schema.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub parameters: Option<serde_json::Map<String, serde_json::Value>>,
    /// Sent to models that enforce it (those with native structured output); the call's arguments
    /// are checked against `parameters` either way (a mismatch is a 502, `schema_mismatch`).
    #[serde(default)]
    pub strict: Option<bool>,
}

/// `tool_choice`: a mode, or a named function.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ToolChoice {
    /// `none`, `auto` or `required`.
    Mode(String),
    /// `{"type": "function", "function": {"name": ...}}`.
    Named(NamedToolChoice),
}

/// A tool choice naming one function.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NamedToolChoice {
    /// Always `function`.
    #[serde(rename = "type")]
    #[schema(pattern = "^function$")]
    pub kind: String,
    /// The function.
    pub function: FunctionName,
}

/// A function's name.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FunctionName {
    /// The name.
    pub name: String,
}

/// `stop`: one string or several.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Stop {
    /// One sequence.
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// Streaming options.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StreamOptions {
    /// Send a final usage chunk.
    #[serde(default)]
    pub include_usage: Option<bool>,
}

/// `response_format`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ResponseFormat {
    /// `text`, `json_object` (any JSON object) or `json_schema` (JSON matching `json_schema.schema`):
    /// native structured output where the model has it, else an answer tool the caller never sees.
    #[serde(rename = "type")]
    #[schema(pattern = "^(text|json_object|json_schema)$")]
    pub kind: String,
    /// For `json_schema`.
    #[serde(default)]
    pub json_schema: Option<JsonSchemaFormat>,
}

/// A JSON Schema for the answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct JsonSchemaFormat {
    /// Letters, digits, `_` and `-`, up to 64.
    pub name: String,
    /// What it describes.
    #[serde(default)]
    pub description: Option<String>,
    /// The schema.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub schema: Option<serde_json::Map<String, serde_json::Value>>,
    /// Check the answer against the schema.
    #[serde(default)]
    pub strict: Option<bool>,
}

/// A Bedrock guardrail.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct GuardrailConfig {
    /// Guardrail id or ARN.
    pub guardrail_identifier: String,
    /// Version or DRAFT.
    pub guardrail_version: String,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub trace: Option<String>,
}

/// A complete answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChatCompletion {
    /// `chatcmpl-...`
    pub id: String,
    /// `chat.completion`
    pub object: String,
    /// Unix seconds.
    pub created: i64,
    /// The model as requested.
    pub model: String,
    /// One choice.
    pub choices: Vec<Choice>,
    /// Token counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The service tier that served the request, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// Bedrock's guardrail trace, in Bedrock's shape, when `guardrail_config.trace` asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub guardrail_trace: Option<serde_json::Value>,
}

/// An answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Choice {
    /// Always 0.
    pub index: u32,
    /// The assistant's message.
    pub message: AssistantMessage,
    /// `stop`, `length`, `tool_calls` or `content_filter`.
    pub finish_reason: String,
    /// Always null.
    #[schema(value_type = Option<Object>)]
    pub logprobs: Option<()>,
}

/// The assistant's message in an answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssistantMessage {
    /// `assistant`
    pub role: String,
    /// The text; null when the model only called tools.
    pub content: Option<String>,
    /// Tool calls, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// Always null.
    #[schema(value_type = Option<String>)]
    pub refusal: Option<()>,
    /// The model's reasoning as text, when it reasoned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// The reasoning blocks with signatures, to send back with this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_blocks: Option<Vec<ThinkingBlock>>,
    /// The passages of the request's documents the answer cites, when it asked for citations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<Citation>>,
}

/// Token counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Usage {
    /// Prompt tokens, cache reads and writes included.
    pub prompt_tokens: u32,
    /// Generated tokens.
    pub completion_tokens: u32,
    /// Their sum.
    pub total_tokens: u32,
    /// Prompt-cache details, when Bedrock reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    /// Anthropic's name for the cache reads, for clients that read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_input_tokens: Option<u32>,
    /// Anthropic's name for the cache writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_creation_input_tokens: Option<u32>,
}

/// Prompt-cache counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PromptTokensDetails {
    /// Prompt tokens read from the cache.
    pub cached_tokens: u32,
    /// Prompt tokens written to the cache (Bedrock only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_tokens: Option<u32>,
}

/// One Server-Sent Events chunk of a streamed answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChatCompletionChunk {
    /// The same in every chunk.
    pub id: String,
    /// `chat.completion.chunk`
    pub object: String,
    /// Unix seconds.
    pub created: i64,
    /// The model as requested.
    pub model: String,
    /// The deltas; empty in the usage chunk.
    pub choices: Vec<ChunkChoice>,
    /// Only in the final usage chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The service tier that served the request, in the last chunk, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// Bedrock's guardrail trace, in the last chunk, when `guardrail_config.trace` asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub guardrail_trace: Option<serde_json::Value>,
}

/// A delta of the answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChunkChoice {
    /// Always 0.
    pub index: u32,
    /// What this chunk adds.
    pub delta: Delta,
    /// Set in the chunk that ends the answer.
    pub finish_reason: Option<String>,
    /// Always null.
    #[schema(value_type = Option<Object>)]
    pub logprobs: Option<()>,
}

/// What a chunk adds.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Delta {
    /// `assistant`, in the first chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// A text fragment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Tool call fragments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCallDelta>>,
    /// A reasoning text fragment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// A finished reasoning block (its whole text and signature), when Bedrock signs it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_blocks: Option<Vec<ThinkingBlock>>,
    /// Citations, after the text that cites them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<Citation>>,
}

/// A tool call fragment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolCallDelta {
    /// Which call.
    pub index: u32,
    /// First fragment only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `function`, first fragment only.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name (first fragment) and argument text.
    pub function: FunctionCallDelta,
}

/// A function call fragment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunctionCallDelta {
    /// First fragment only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// An argument text fragment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
}

/// `GET /v1/models` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelList {
    /// `list`
    pub object: String,
    /// The models.
    pub data: Vec<Model>,
}

/// A model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Model {
    /// The id to use as `model`.
    pub id: String,
    /// `model`
    pub object: String,
    /// Release date, Unix seconds (0 when unknown).
    pub created: i64,
    /// The provider.
    pub owned_by: String,
    /// A human-readable name.
    pub name: String,
    /// Cross-region inference profile ids that serve it.
    pub inference_profile_ids: Vec<String>,
}

/// OpenAI's error envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorBody,
}

/// What went wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong and how to fix it.
    pub message: String,
    /// `invalid_request_error`, `authentication_error`, `rate_limit_error`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The request field at fault, if any.
    pub param: Option<String>,
    /// A stable code (`invalid_argument`, `throttled`, ...).
    pub code: Option<String>,
}

/// `GET /health` and `GET /ready` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`, `serving` or `not_serving`.
    pub status: String,
}
