//! Bedrock's Converse request JSON, as serde types: the wire format of
//! `POST /model/{modelId}/converse` and `/converse-stream`, and through utoipa their part of
//! `/openapi.json`. Names are Bedrock's (camelCase); unions are objects with exactly one member,
//! as in Bedrock's JSON (`{"text": "..."}`, `{"image": {...}}`).
//!
//! Unknown fields are refused, naming the field: an AWS SDK sends only what its model knows, and
//! a field this door cannot honour must not be dropped without a word. Answers are written as
//! JSON directly ([`super::convert`]); Bedrock's response shapes are documented by AWS.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The Converse request body (the model is in the path).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ConverseRequest)]
pub struct ConverseRequest {
    /// The conversation, oldest first: alternating `user` and `assistant` turns.
    #[serde(default)]
    #[schema(min_items = 1)]
    pub messages: Vec<ConverseMessage>,
    /// The system prompt's blocks.
    #[serde(default)]
    pub system: Vec<SystemBlock>,
    /// Sampling and length.
    #[serde(default)]
    pub inference_config: Option<InferenceConfig>,
    /// Tools the model may call, and how.
    #[serde(default)]
    pub tool_config: Option<ToolConfig>,
    /// A Bedrock guardrail to apply.
    #[serde(default)]
    pub guardrail_config: Option<ConverseGuardrailConfig>,
    /// The model's own request fields (Claude's `thinking`, `top_k`, ...), sent as they are.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub additional_model_request_fields: Option<Value>,
    /// Refused: the gateway asks Bedrock for the response fields it maps itself.
    #[serde(default)]
    pub additional_model_response_field_paths: Option<Vec<String>>,
    /// Refused: prompt variables belong to Bedrock Prompt Management prompts, which this door does
    /// not serve.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub prompt_variables: Option<Value>,
    /// Key-value pairs recorded with the call (Bedrock's invocation logs).
    #[serde(default)]
    pub request_metadata: Option<BTreeMap<String, String>>,
    /// `latency`: `standard` or `optimized`.
    #[serde(default)]
    pub performance_config: Option<ConversePerformanceConfig>,
    /// `type`: `priority`, `default`, `flex` or `reserved`.
    #[serde(default)]
    pub service_tier: Option<ConverseServiceTier>,
}

/// One turn.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConverseMessage {
    /// `user` or `assistant`.
    #[schema(example = "user")]
    pub role: String,
    /// The turn's blocks.
    #[schema(min_items = 1)]
    pub content: Vec<ContentBlock>,
}

/// A block of a turn.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ContentBlock {
    /// Text.
    Text(String),
    /// An image (user turns).
    Image(ImageBlock),
    /// A document (user turns).
    Document(DocumentBlock),
    /// A tool call (assistant turns).
    ToolUse(ToolUseBlock),
    /// A tool's result (user turns).
    ToolResult(ToolResultBlock),
    /// Reasoning, replayed with its signature (assistant turns).
    ReasoningContent(ReasoningBlock),
    /// A prompt-cache checkpoint after the block before it.
    CachePoint(CachePoint),
    /// Text with citations, as an earlier answer gave it (assistant turns; replayed as text).
    CitationsContent(CitationsContentBlock),
    /// Refused: guard content is not supported (use `guardrailConfig`).
    #[schema(value_type = Object)]
    GuardContent(Value),
    /// Refused: video input is not supported.
    #[schema(value_type = Object)]
    Video(Value),
}

/// A block of the system prompt.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SystemBlock {
    /// Text.
    Text(String),
    /// A prompt-cache checkpoint after the text before it.
    CachePoint(CachePoint),
    /// Refused: guard content is not supported (use `guardrailConfig`).
    #[schema(value_type = Object)]
    GuardContent(Value),
}

/// An image.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageBlock {
    /// `png`, `jpeg`, `gif` or `webp`.
    pub format: String,
    /// The bytes, or an S3 location.
    pub source: MediaSource,
}

/// Where an image's or document's bytes are.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum MediaSource {
    /// The bytes, base64 (AWS SDKs encode them).
    Bytes(String),
    /// An S3 object Bedrock reads.
    S3Location(S3Location),
    /// A document's text (documents only).
    Text(String),
    /// Refused: structured document content is not supported.
    #[schema(value_type = Object)]
    Content(Value),
}

/// An S3 object.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct S3Location {
    /// `s3://bucket/key`.
    pub uri: String,
    /// Refused: the gateway sets the bucket owner (`--s3-bucket-owner`).
    #[serde(default)]
    pub bucket_owner: Option<String>,
}

/// A document.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentBlock {
    /// `pdf`, `csv`, `doc`, `docx`, `xls`, `xlsx`, `html`, `txt` or `md`.
    #[serde(default)]
    pub format: Option<String>,
    /// The document's name, as the model sees it.
    pub name: String,
    /// The bytes, an S3 location, or text.
    pub source: MediaSource,
    /// What the document is, for the model.
    #[serde(default)]
    pub context: Option<String>,
    /// `{"enabled": true}` asks the model to cite it.
    #[serde(default)]
    pub citations: Option<CitationsConfig>,
}

/// Whether a document is cited.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitationsConfig {
    /// Cite it.
    pub enabled: bool,
}

/// A tool call of an earlier answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolUseBlock {
    /// The call's id.
    pub tool_use_id: String,
    /// The tool.
    pub name: String,
    /// Its arguments.
    #[schema(value_type = Object)]
    pub input: Value,
}

/// A tool's result.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolResultBlock {
    /// The call it answers.
    pub tool_use_id: String,
    /// What the tool returned.
    pub content: Vec<ToolResultContent>,
    /// `success` or `error`.
    #[serde(default)]
    pub status: Option<String>,
}

/// A block of a tool's result.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ToolResultContent {
    /// Text.
    Text(String),
    /// JSON (sent to the model as its text).
    #[schema(value_type = Object)]
    Json(Value),
    /// Refused: send images in a user block.
    Image(ImageBlock),
    /// Refused: send documents in a user block.
    Document(DocumentBlock),
}

/// Reasoning of an earlier answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReasoningBlock {
    /// Reasoning text and its signature.
    ReasoningText(ReasoningText),
    /// Encrypted reasoning, base64.
    RedactedContent(String),
}

/// Reasoning text.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReasoningText {
    /// The text.
    pub text: String,
    /// Its signature (required to replay it to Claude).
    #[serde(default)]
    pub signature: Option<String>,
}

/// A prompt-cache checkpoint.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CachePoint {
    /// `default`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `5m` or `1h`.
    #[serde(default)]
    pub ttl: Option<String>,
}

/// Text with citations, from an earlier answer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitationsContentBlock {
    /// The cited text's parts.
    #[serde(default)]
    pub content: Vec<CitedText>,
    /// The citations (not replayed: the model sees the text).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub citations: Vec<Value>,
}

/// A part of a cited text.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitedText {
    /// The text.
    pub text: String,
}

/// Sampling and length.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InferenceConfig {
    /// Upper bound on generated tokens.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Sequences that end the answer.
    #[serde(default)]
    pub stop_sequences: Option<Vec<String>>,
}

/// Tools, and how the model uses them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolConfig {
    /// Tool specifications, and cache points after them.
    pub tools: Vec<ToolEntry>,
    /// `auto`, `any`, or a named `tool`.
    #[serde(default)]
    pub tool_choice: Option<ConverseToolChoice>,
}

/// An entry of the tools list.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ToolEntry {
    /// A tool.
    ToolSpec(ToolSpec),
    /// A prompt-cache checkpoint after the tools before it.
    CachePoint(CachePoint),
    /// Refused: Bedrock's system tools are not supported.
    #[schema(value_type = Object)]
    SystemTool(Value),
}

/// A tool.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ToolSpec {
    /// Its name.
    pub name: String,
    /// What it does, for the model.
    #[serde(default)]
    pub description: Option<String>,
    /// Its arguments' JSON schema, as `{"json": {...}}`.
    pub input_schema: InputSchema,
    /// Hold the model to the schema exactly (checked by the gateway).
    #[serde(default)]
    pub strict: Option<bool>,
}

/// A tool's input schema.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum InputSchema {
    /// A JSON schema.
    #[schema(value_type = Object)]
    Json(Value),
}

/// How the model uses the tools.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ConverseToolChoice {
    /// The model decides.
    #[schema(value_type = Object)]
    Auto(Value),
    /// The model calls at least one tool.
    #[schema(value_type = Object)]
    Any(Value),
    /// The model calls this tool.
    Tool(NamedTool),
}

/// A tool, by name.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedTool {
    /// Its name.
    pub name: String,
}

/// A guardrail.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConverseGuardrailConfig {
    /// Its id or ARN.
    pub guardrail_identifier: String,
    /// Its version (`DRAFT` or a number).
    pub guardrail_version: String,
    /// `enabled`, `enabled_full` or `disabled`.
    #[serde(default)]
    pub trace: Option<String>,
    /// `sync` only (streams are checked as they go).
    #[serde(default)]
    pub stream_processing_mode: Option<String>,
}

/// Latency setting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversePerformanceConfig {
    /// `standard` or `optimized`.
    pub latency: String,
}

/// Service tier.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConverseServiceTier {
    /// `priority`, `default`, `flex` or `reserved`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The Converse response.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConverseResponse {
    /// `{"message": {"role": "assistant", "content": [...]}}`: blocks in the model's order
    /// (`reasoningContent`, `text` or `citationsContent`, `toolUse`).
    #[schema(value_type = Object)]
    pub output: Value,
    /// `end_turn`, `tool_use`, `max_tokens`, `stop_sequence`, `guardrail_intervened`,
    /// `content_filtered`, `model_context_window_exceeded`.
    pub stop_reason: String,
    /// `inputTokens` (cached tokens apart), `outputTokens`, `totalTokens`,
    /// `cacheReadInputTokens`, `cacheWriteInputTokens`.
    #[schema(value_type = Object)]
    pub usage: Value,
    /// `latencyMs`: the gateway's time to answer.
    #[schema(value_type = Object)]
    pub metrics: Value,
    /// `{"type": ...}`: the tier that served the call, when Bedrock says.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub service_tier: Option<Value>,
    /// `{"guardrail": ...}`, when the guardrail config asked for a trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub trace: Option<Value>,
}

/// Bedrock's error body; the exception's name is in the `x-amzn-ErrorType` header.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct ConverseError {
    /// What went wrong, naming the field at fault.
    pub message: String,
}
