//! Anthropic's Messages API JSON, as serde types: the wire format of `POST /v1/messages` and,
//! through utoipa, its part of `/openapi.json`.
//!
//! Schema names carry an `Anthropic` prefix where the OpenAI shim has a type of the same name, as
//! both live in one OpenAPI document. Unknown request fields are ignored, as Anthropic's SDKs add
//! new ones often; unknown block types are errors naming the types that exist.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /v1/messages` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = AnthropicMessagesRequest)]
pub struct MessagesRequest {
    /// An Anthropic model name (`claude-sonnet-4-5`, `claude-3-5-haiku-latest`, ...), a Bedrock
    /// model id, an inference profile id or ARN, or an alias of the models file.
    #[schema(min_length = 1, max_length = 2048, example = "claude-3-haiku-20240307")]
    pub model: String,
    /// The conversation, oldest first: alternating `user` and `assistant` turns.
    #[schema(min_items = 1)]
    pub messages: Vec<InputMessage>,
    /// Upper bound on generated tokens: required by `/v1/messages`, as in Anthropic's API (and not
    /// needed by `/v1/messages/count_tokens`).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_tokens: Option<u32>,
    /// The system prompt: a string, or text blocks (which may carry `cache_control`).
    #[serde(default)]
    pub system: Option<Content<SystemBlock>>,
    /// Sequences that end the answer.
    #[serde(default)]
    pub stop_sequences: Option<Vec<String>>,
    /// Answer as Server-Sent Events (Anthropic's named events).
    #[serde(default)]
    pub stream: Option<bool>,
    /// Sampling temperature, 0 to 1.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1)]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1)]
    pub top_p: Option<f64>,
    /// Sample from the top K options only; sent to Bedrock as the model's own `top_k` field.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub top_k: Option<u32>,
    /// Tools the model may call.
    #[serde(default)]
    pub tools: Option<Vec<ToolParam>>,
    /// How the model uses the tools.
    #[serde(default)]
    pub tool_choice: Option<ToolChoiceParam>,
    /// Extended thinking.
    #[serde(default)]
    pub thinking: Option<ThinkingParam>,
    /// `user_id` is recorded on the call's log line as its user (not sent to Bedrock).
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// `auto` (Bedrock's default tier) or `standard_only` (Bedrock's `default` tier).
    #[serde(default)]
    #[schema(pattern = "^(auto|standard_only)$")]
    pub service_tier: Option<String>,
    /// Anthropic's code-execution containers: refused (Bedrock has none).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub container: Option<Value>,
    /// Anthropic's MCP connector: refused (Bedrock has none).
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    pub mcp_servers: Option<Value>,
}

/// A string or a list of blocks (Anthropic's `content` and `system`).
///
/// Deserialized by hand rather than as an untagged enum, so that a bad block is reported at its
/// own path (`messages[0].content[1]`) with its own reason, not as "did not match any variant".
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Content<T> {
    /// Plain text.
    Text(String),
    /// Blocks.
    Blocks(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Content<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Content<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of content blocks")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Content<T>, E> {
                Ok(Content::Text(text.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Content<T>, E> {
                Ok(Content::Text(text))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Content<T>, A::Error> {
                let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(block) = seq.next_element()? {
                    blocks.push(block);
                }
                Ok(Content::Blocks(blocks))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

/// One turn.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InputMessage {
    /// `user` or `assistant`.
    #[schema(pattern = "^(user|assistant)$")]
    pub role: String,
    /// Text, or content blocks.
    #[schema(value_type = Object)]
    pub content: Content<InputBlock>,
}

/// A system prompt block.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SystemBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// A prompt-cache marker after this block.
        #[serde(default)]
        cache_control: Option<AnthropicCacheControl>,
    },
}

/// A prompt-cache marker: Bedrock caches the prompt up to and including the block it is on.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AnthropicCacheControl {
    /// `ephemeral`.
    #[serde(rename = "type")]
    #[schema(pattern = "^ephemeral$")]
    pub kind: String,
    /// `5m` (the default) or `1h`.
    #[serde(default)]
    #[schema(pattern = "^(5m|1h)$")]
    pub ttl: Option<String>,
}

/// A block of a request turn.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// A prompt-cache marker after this block.
        #[serde(default)]
        cache_control: Option<AnthropicCacheControl>,
        /// Citations of a replayed answer: accepted, not sent (the text carries the answer).
        #[serde(default)]
        #[schema(value_type = Option<Vec<Object>>)]
        citations: Option<Value>,
    },
    /// An image (user turns).
    Image {
        /// Where the image comes from.
        source: ImageSource,
        /// A prompt-cache marker after this block.
        #[serde(default)]
        cache_control: Option<AnthropicCacheControl>,
    },
    /// A document (user turns): a Converse document block.
    Document {
        /// Where the document comes from.
        source: DocumentSource,
        /// The document's name (made valid by Bedrock's rules).
        #[serde(default)]
        #[schema(max_length = 1000)]
        title: Option<String>,
        /// Context about the document for the model (not cited).
        #[serde(default)]
        context: Option<String>,
        /// `{"enabled": true}`: the answer cites this document.
        #[serde(default)]
        citations: Option<CitationsSwitch>,
        /// A prompt-cache marker after this block.
        #[serde(default)]
        cache_control: Option<AnthropicCacheControl>,
    },
    /// A tool call of a replayed assistant turn.
    ToolUse {
        /// The call's id.
        id: String,
        /// The tool.
        name: String,
        /// Its input.
        #[schema(value_type = Object)]
        input: Value,
        /// A prompt-cache marker after this block.
        #[serde(default)]
        cache_control: Option<AnthropicCacheControl>,
    },
    /// A tool's answer (user turns).
    ToolResult {
        /// The call answered.
        tool_use_id: String,
        /// The answer: a string or text blocks.
        #[serde(default)]
        #[schema(value_type = Option<Object>)]
        content: Option<Content<ToolResultBlock>>,
        /// Whether the tool failed (sent to Bedrock as the result's `error` status).
        #[serde(default)]
        is_error: Option<bool>,
        /// A prompt-cache marker after this block.
        #[serde(default)]
        cache_control: Option<AnthropicCacheControl>,
    },
    /// Reasoning of a replayed assistant turn, unchanged (Bedrock checks the signature).
    Thinking {
        /// The reasoning text.
        thinking: String,
        /// Its signature.
        signature: String,
    },
    /// Encrypted reasoning of a replayed assistant turn, unchanged.
    RedactedThinking {
        /// The encrypted reasoning.
        data: String,
    },
}

/// A block of a tool's answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToolResultBlock {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image: refused (400 naming the block); the gateway's tool turns carry text.
    Image {
        /// The image.
        #[schema(value_type = Object)]
        source: Value,
    },
}

/// `{"enabled": true}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CitationsSwitch {
    /// Whether the answer cites the document.
    #[serde(default)]
    pub enabled: bool,
}

/// Where an image comes from.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ImageSource {
    /// Inline bytes.
    Base64 {
        /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
        media_type: String,
        /// The bytes, base64.
        data: String,
    },
    /// An `https://` URL the server fetches (SSRF-safe, as for OpenAI's `image_url`), or an
    /// `s3://` URL Bedrock reads (Nova models).
    Url {
        /// The URL.
        url: String,
    },
    /// Anthropic's Files API: refused (no counterpart on Bedrock).
    File {
        /// The file.
        file_id: String,
    },
}

/// Where a document comes from.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DocumentSource {
    /// A PDF, inline.
    Base64 {
        /// `application/pdf`.
        media_type: String,
        /// The bytes, base64.
        data: String,
    },
    /// Plain text.
    Text {
        /// `text/plain`.
        media_type: String,
        /// The text.
        data: String,
    },
    /// An `s3://` URL Bedrock reads (Nova models); other URLs are refused.
    Url {
        /// The URL.
        url: String,
    },
    /// Custom content blocks: refused (Converse documents are files).
    Content {
        /// The blocks.
        #[schema(value_type = Object)]
        content: Value,
    },
    /// Anthropic's Files API: refused.
    File {
        /// The file.
        file_id: String,
    },
}

/// A tool the model may call. Anthropic's server tools (`web_search_...`, `bash_...`) are refused.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = AnthropicTool)]
pub struct ToolParam {
    /// `custom` (the default); anything else names a server tool Bedrock does not run.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The tool's name.
    pub name: String,
    /// What it does.
    #[serde(default)]
    pub description: Option<String>,
    /// A JSON Schema of its input.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub input_schema: Option<Value>,
    /// A prompt-cache marker after this tool (and the ones before it).
    #[serde(default)]
    pub cache_control: Option<AnthropicCacheControl>,
}

/// How the model uses the tools.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToolChoiceParam {
    /// The model decides.
    Auto {
        /// At most one tool call per turn.
        #[serde(default)]
        disable_parallel_tool_use: Option<bool>,
    },
    /// The model calls some tool.
    Any {
        /// At most one tool call per turn.
        #[serde(default)]
        disable_parallel_tool_use: Option<bool>,
    },
    /// The model calls this tool.
    Tool {
        /// The tool.
        name: String,
        /// At most one tool call per turn.
        #[serde(default)]
        disable_parallel_tool_use: Option<bool>,
    },
    /// No tool calls.
    None,
}

/// Extended thinking.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = AnthropicThinking)]
pub struct ThinkingParam {
    /// `enabled` (with `budget_tokens`), `adaptive` or `disabled`.
    #[serde(rename = "type")]
    #[schema(pattern = "^(enabled|adaptive|disabled)$")]
    pub kind: String,
    /// For `enabled`: at least 1024, and below `max_tokens`.
    #[serde(default)]
    pub budget_tokens: Option<u32>,
}

/// Request metadata.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = AnthropicMetadata)]
pub struct Metadata {
    /// An end-user id, at most 256 characters.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub user_id: Option<String>,
}

/// The answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = AnthropicMessage)]
pub struct Message {
    /// `msg_...`.
    pub id: String,
    /// `message`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `assistant`.
    pub role: &'static str,
    /// The model as the request named it.
    pub model: String,
    /// The answer's blocks, in the model's order.
    pub content: Vec<OutputBlock>,
    /// `end_turn`, `max_tokens`, `stop_sequence`, `tool_use` or `refusal`; null in `message_start`.
    pub stop_reason: Option<&'static str>,
    /// The stop sequence that ended the answer, when Bedrock says which (see the README).
    pub stop_sequence: Option<String>,
    /// Token counts.
    pub usage: AnthropicUsage,
}

/// A block of the answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutputBlock {
    /// Text, with the passages of the request's documents it cites.
    Text {
        /// The text.
        text: String,
        /// Citations, when the request's documents asked for them.
        #[serde(skip_serializing_if = "Option::is_none")]
        citations: Option<Vec<AnthropicCitation>>,
    },
    /// Readable reasoning with its signature: replay it unchanged.
    Thinking {
        /// The reasoning.
        thinking: String,
        /// Bedrock's signature of it.
        signature: String,
    },
    /// Encrypted reasoning: replay it unchanged.
    RedactedThinking {
        /// The encrypted reasoning.
        data: String,
    },
    /// A tool call.
    ToolUse {
        /// The call's id.
        id: String,
        /// The tool.
        name: String,
        /// Its input.
        #[schema(value_type = Object)]
        input: Value,
    },
}

/// A passage of a request document the answer cites.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnthropicCitation {
    /// `char_location`, `page_location` or `content_block_location`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The cited text.
    pub cited_text: String,
    /// Which document of the request (0-based).
    pub document_index: u32,
    /// The document's name.
    pub document_title: Option<String>,
    /// `char_location`: first character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_char_index: Option<u32>,
    /// `char_location`: one past the last character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_char_index: Option<u32>,
    /// `page_location`: first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_page_number: Option<u32>,
    /// `page_location`: one past the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_page_number: Option<u32>,
    /// `content_block_location`: first chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_block_index: Option<u32>,
    /// `content_block_location`: one past the last chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_block_index: Option<u32>,
}

/// Token counts, as Anthropic reports them: `input_tokens` excludes the cached ones.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct AnthropicUsage {
    /// Prompt tokens neither read from nor written to the cache.
    pub input_tokens: u32,
    /// Generated tokens.
    pub output_tokens: u32,
    /// Prompt tokens written to the cache.
    pub cache_creation_input_tokens: u32,
    /// Prompt tokens read from the cache.
    pub cache_read_input_tokens: u32,
}

/// `POST /v1/messages/count_tokens` answer.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct TokenCount {
    /// The tokens of the request's input (system prompt, messages, tools), as Bedrock counts them.
    pub input_tokens: u32,
}

/// Anthropic's error envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnthropicError {
    /// `error`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What went wrong.
    pub error: AnthropicErrorBody,
}

/// What went wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnthropicErrorBody {
    /// `invalid_request_error`, `authentication_error`, `permission_error`, `not_found_error`,
    /// `request_too_large`, `rate_limit_error`, `api_error`, `timeout_error` or `overloaded_error`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What went wrong and how to fix it (naming the field at fault).
    pub message: String,
}
