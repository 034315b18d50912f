//! Maps a [`ChatCompletionRequest`] onto Converse's request shape. The request has passed
//! [`crate::chat::validate`] first, so this maps and does not re-check: what could fail here is an
//! SDK builder refusing what was built (a bug, INTERNAL) or an image payload that does not decode.
//!
//! Bedrock's rules that OpenAI clients do not follow on their own, and how they are met here:
//! - System and developer messages, wherever they appear, become Converse's `system` blocks.
//! - Turns must alternate user/assistant: consecutive turns of one role are merged, and `tool`
//!   messages become `toolResult` blocks of a user turn, so several results for one assistant turn
//!   land in one user turn (agent clients replay long tool histories).
//! - Converse has no "none" tool choice, and it rejects tool blocks in a history without a
//!   `toolConfig`. So when tools are off (no tools, or `tool_choice: "none"`), the history's tool calls
//!   and results are rendered as text: the model cannot call a tool, and the history is still accepted.

use super::s3_location::S3Access;
use super::{document, document_block};
use crate::chat::cache::CachePlan;
use crate::chat::reasoning::Plan;
use crate::chat::structured::{Format, Structured};
use crate::chat::validate::data_url::{self, ImageKind};
use crate::chat::validate::messages::is_blank;
use crate::chat::validate::s3;
use crate::error::{Error, Result};
use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, AutoToolChoice, CachePointBlock, CachePointType, CacheTtl, ContentBlock, ConversationRole,
    GuardrailTrace, ImageBlock, ImageFormat, ImageSource, InferenceConfiguration, JsonSchemaDefinition,
    Message, OutputConfig, OutputFormat, OutputFormatStructure, OutputFormatType, PerformanceConfigLatency,
    PerformanceConfiguration, ReasoningContentBlock, ReasoningTextBlock, ServiceTier, ServiceTierType,
    SpecificToolChoice, SystemContentBlock, Tool, ToolChoice, ToolConfiguration, ToolInputSchema,
    ToolResultBlock, ToolResultContentBlock, ToolResultStatus, ToolSpecification, ToolUseBlock,
};
use aws_smithy_types::{Blob, Document};
use base64::Engine as _;
use std::collections::HashMap;

/// What the core decided for a request beyond its own fields: where it goes, how it reasons, and
/// where cache points go.
#[derive(Debug, Clone, Copy)]
pub struct Decisions<'a> {
    /// The model id to call (after aliases and routing).
    pub model_id: &'a str,
    /// Reasoning.
    pub reasoning: &'a Plan,
    /// Prompt caching.
    pub cache: CachePlan,
    /// The answer's format (and whether strict tools are sent as strict).
    pub structured: &'a Structured,
    /// `--s3-bucket-owner`, for `s3://` images and documents.
    pub s3_bucket_owner: Option<&'a str>,
}

impl<'a> Decisions<'a> {
    /// Plain chat: no reasoning, no caching, text answers (tests and tools that map a bare request).
    pub fn plain(structured: &'a Structured) -> Self {
        Decisions {
            model_id: "",
            reasoning: &Plan::Off,
            cache: CachePlan { markers: false, in_tools: false, auto: false },
            structured,
            s3_bucket_owner: None,
        }
    }
}

/// A Converse request, ready to send with either Converse or ConverseStream.
#[derive(Debug, Clone)]
pub struct ConverseRequest {
    /// The model id, profile id or ARN, as requested.
    pub model_id: String,
    /// Alternating user/assistant turns, starting with the user.
    pub messages: Vec<Message>,
    /// The system prompt.
    pub system: Vec<SystemContentBlock>,
    /// Sampling and length settings.
    pub inference: InferenceConfiguration,
    /// Tools, when the model may call them.
    pub tool_config: Option<ToolConfiguration>,
    /// `additionalModelRequestFields`, passed through.
    pub additional_fields: Option<Document>,
    /// A guardrail to apply.
    pub guardrail: Option<Guardrail>,
    /// `outputConfig` (the reasoning effort of adaptive thinking).
    pub output_config: Option<OutputConfig>,
    /// `serviceTier`.
    pub service_tier: Option<ServiceTier>,
    /// `performanceConfig` (latency-optimised inference).
    pub performance: Option<PerformanceConfiguration>,
    /// `requestMetadata`, for Bedrock's invocation logs.
    pub metadata: HashMap<String, String>,
    /// `additionalModelResponseFieldPaths`: fields of the model's own response to return.
    pub response_field_paths: Option<Vec<String>>,
}

/// A validated guardrail setting (Converse and ConverseStream take different SDK types for it).
#[derive(Debug, Clone)]
pub struct Guardrail {
    /// Guardrail id or ARN.
    pub identifier: String,
    /// Version number or DRAFT.
    pub version: String,
    /// Whether the trace is returned.
    pub trace: GuardrailTrace,
}

/// What the request lets the model do with tools.
enum ToolMode {
    /// No tools offered, or `tool_choice: "none"`: tool history is rendered as text.
    Off,
    /// Tools offered, with this choice (None: Bedrock's default, auto).
    On(Option<ToolChoice>),
}

/// Maps a validated request. Destructures it whole: a new field does not compile until its mapping
/// (or the reason it is not sent) is written here.
pub fn to_converse(request: &api::ChatCompletionRequest, decisions: &Decisions) -> Result<ConverseRequest> {
    let api::ChatCompletionRequest {
        model,
        messages,
        max_tokens,
        max_completion_tokens,
        temperature,
        top_p,
        stop,
        tools,
        tool_choice,
        user: _,           // logged with the call, not sent
        n: _,              // validated: only 1, which is all Bedrock does
        logprobs: _,       // validated: only false
        top_logprobs: _,   // validated: only 0
        stream_options: _, // shapes the stream's last chunk; nothing for Bedrock
        additional_model_request_fields,
        guardrail_config,
        parallel_tool_calls: _, // accepted, not sent: Converse has no such setting
        service_tier,
        metadata,
        store: _, // accepted, not sent: nothing is stored
        additional_model_request_fields_json,
        reasoning_effort: _, // decided in `decisions.reasoning`
        thinking: _,         // decided in `decisions.reasoning`
        response_format: _,  // decided in `decisions.structured`
        prompt_cache: _,     // decided in `decisions.cache`
        citations,
        performance_config,
    } = request;
    let mode = tool_mode(tool_choice.as_ref(), tools)?;
    // Whether the caller's tools are sent (else the history's tool calls are rendered as text).
    let tools_on = matches!(mode, ToolMode::On(_));
    let strict = decisions.structured.native_strict_tools;
    let (specs, choice) = match (&decisions.structured.format, mode) {
        (Format::Tool { name, description, schema, forced: true }, _) => {
            let specific = SpecificToolChoice::builder().name(name).build().map_err(internal)?;
            (Some(vec![answer_tool(name, description, schema)?]), Some(ToolChoice::Tool(specific)))
        }
        (Format::Tool { name, description, schema, forced: false }, ToolMode::On(_)) => {
            let mut specs = tool_specs(tools, decisions.cache, strict)?;
            specs.push(answer_tool(name, description, schema)?);
            (Some(specs), Some(ToolChoice::Any(AnyToolChoice::builder().build())))
        }
        (_, ToolMode::Off) => (None, None),
        (_, ToolMode::On(choice)) => (Some(tool_specs(tools, decisions.cache, strict)?), choice),
    };
    let tool_config = match specs {
        None => None,
        Some(specs) => Some(
            ToolConfiguration::builder()
                .set_tools(Some(specs))
                .set_tool_choice(choice)
                .build()
                .map_err(internal)?,
        ),
    };
    let replay = decisions.reasoning.replays_reasoning(decisions.model_id);
    let citations = citations.unwrap_or(false);
    let s3 = S3Access { model_id: decisions.model_id, bucket_owner: decisions.s3_bucket_owner };
    let (system, messages) = conversation(messages, tools_on, replay, decisions.cache, citations, s3)?;
    let passed = match (additional_model_request_fields, additional_model_request_fields_json) {
        (Some(fields), _) => Some(document::from_struct(fields)),
        (None, Some(text)) => Some(document::from_json_text(text).map_err(internal)?),
        (None, None) => None,
    };
    let (additional_fields, effort) =
        reasoning_fields(passed, decisions.reasoning, decisions.model_id, tools_on);
    let text_format = match &decisions.structured.format {
        Format::Native { name, description, schema } => Some(native_format(name, description, schema)?),
        _ => None,
    };
    let output_config = (effort.is_some() || text_format.is_some())
        .then(|| OutputConfig::builder().set_effort(effort).set_text_format(text_format).build());
    let max_tokens = match decisions.reasoning {
        Plan::Budget { max_tokens, .. } => Some(*max_tokens),
        _ => max_tokens.or(*max_completion_tokens),
    };
    let max_tokens = max_tokens.map(|n| i32::try_from(n).unwrap_or(i32::MAX));
    let inference = InferenceConfiguration::builder()
        .set_max_tokens(max_tokens)
        .set_temperature(temperature.map(|t| t as f32))
        .set_top_p(top_p.map(|p| p as f32))
        .set_stop_sequences((!stop.is_empty()).then(|| stop.clone()))
        .build();
    Ok(ConverseRequest {
        model_id: model.clone(),
        messages,
        system,
        inference,
        tool_config,
        additional_fields,
        guardrail: guardrail_config.as_ref().map(guardrail),
        output_config,
        service_tier: service_tier.as_deref().and_then(self::service_tier),
        performance: performance_config.as_ref().map(|api::PerformanceConfig { latency }| {
            PerformanceConfiguration::builder()
                .latency(PerformanceConfigLatency::from(latency.as_str()))
                .build()
        }),
        metadata: metadata.clone(),
        // Claude's own response says which stop sequence ended it; Converse returns that only
        // when asked for.
        response_field_paths: (!stop.is_empty()
            && crate::catalog::routing::family(decisions.model_id) == "anthropic")
            .then(|| vec![STOP_SEQUENCE_PATH.to_owned()]),
    })
}

/// The pointer to the stop sequence in Claude's own response.
pub const STOP_SEQUENCE_PATH: &str = "/stop_sequence";

/// OpenAI's (and Bedrock's) tier names as Converse's service tier; `auto` is Bedrock's default,
/// sent as nothing. OpenAI's `scale` (committed capacity) is Bedrock's `reserved`.
fn service_tier(tier: &str) -> Option<ServiceTier> {
    let kind = match tier {
        "default" => ServiceTierType::Default,
        "flex" => ServiceTierType::Flex,
        "priority" => ServiceTierType::Priority,
        "scale" | "reserved" => ServiceTierType::Reserved,
        // validated: "auto"
        _ => return None,
    };
    ServiceTier::builder().r#type(kind).build().ok()
}

/// The answer tool of a structured output without native support.
fn answer_tool(name: &str, description: &Option<String>, schema: &str) -> Result<Tool> {
    let description = description.clone().unwrap_or_else(|| "Give the answer in this shape.".to_owned());
    let spec = ToolSpecification::builder()
        .name(name)
        .description(description)
        .input_schema(ToolInputSchema::Json(document::from_json_text(schema).map_err(internal)?))
        .build()
        .map_err(internal)?;
    Ok(Tool::ToolSpec(spec))
}

/// `outputConfig.textFormat` for a native structured output.
fn native_format(name: &str, description: &Option<String>, schema: &str) -> Result<OutputFormat> {
    let definition = JsonSchemaDefinition::builder()
        .schema(schema)
        .name(name)
        .set_description(description.clone())
        .build()
        .map_err(internal)?;
    OutputFormat::builder()
        .r#type(OutputFormatType::JsonSchema)
        .structure(OutputFormatStructure::JsonSchema(definition))
        .build()
        .map_err(internal)
}

/// The model's own request fields with the reasoning plan merged in, and the effort of
/// `outputConfig`.
fn reasoning_fields(
    passed: Option<Document>,
    plan: &Plan,
    model_id: &str,
    tools_on: bool,
) -> (Option<Document>, Option<String>) {
    let text = |s: &str| Document::String(s.to_owned());
    let object = |pairs: Vec<(&str, Document)>| {
        Document::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<HashMap<_, _>>())
    };
    let (added, output_config): (Vec<(&str, Document)>, Option<String>) = match plan {
        Plan::Off | Plan::Raw | Plan::AlwaysOn => (Vec::new(), None),
        Plan::Budget { budget, .. } => {
            let mut added = vec![(
                "thinking",
                object(vec![
                    ("type", text("enabled")),
                    ("budget_tokens", Document::Number(aws_smithy_types::Number::PosInt(u64::from(*budget)))),
                ]),
            )];
            // Claude 4 thinks between tool calls only with this beta (adaptive thinking needs none).
            if tools_on && !crate::catalog::features::base_id(model_id).starts_with("anthropic.claude-3") {
                added
                    .push(("anthropic_beta", Document::Array(vec![text("interleaved-thinking-2025-05-14")])));
            }
            (added, None)
        }
        Plan::Adaptive { effort } => {
            (vec![("thinking", object(vec![("type", text("adaptive"))]))], effort.map(str::to_owned))
        }
        Plan::Nova { effort } => (
            vec![(
                "reasoningConfig",
                object(vec![("type", text("enabled")), ("maxReasoningEffort", text(effort))]),
            )],
            None,
        ),
        Plan::GptOss { effort } => (vec![("reasoning_effort", text(effort))], None),
    };
    if added.is_empty() {
        return (passed, output_config);
    }
    let mut fields = match passed {
        Some(Document::Object(fields)) => fields,
        _ => HashMap::new(),
    };
    for (key, value) in added {
        match (fields.get_mut(key), value) {
            // The caller's own betas stay; ours joins them.
            (Some(Document::Array(theirs)), Document::Array(ours)) => {
                for beta in ours {
                    if !theirs.contains(&beta) {
                        theirs.push(beta);
                    }
                }
            }
            (_, value) => {
                fields.insert(key.to_owned(), value);
            }
        }
    }
    (Some(Document::Object(fields)), output_config)
}

/// A cache point (Bedrock's `cachePoint` block), with the marker's TTL.
fn cache_point(control: Option<&api::CacheControl>) -> Result<CachePointBlock> {
    let ttl = match control.and_then(|c| c.ttl.as_deref()) {
        Some("1h") => Some(CacheTtl::OneHour),
        Some(_) => Some(CacheTtl::FiveMinutes),
        None => None,
    };
    CachePointBlock::builder().r#type(CachePointType::Default).set_ttl(ttl).build().map_err(internal)
}

fn tool_mode(choice: Option<&api::ToolChoice>, tools: &[api::Tool]) -> Result<ToolMode> {
    use api::tool_choice::Choice;
    let has_tools = !tools.is_empty();
    Ok(match choice.and_then(|c| c.choice.as_ref()) {
        None if has_tools => ToolMode::On(None),
        Some(Choice::Mode(mode)) if has_tools && mode == "auto" => {
            ToolMode::On(Some(ToolChoice::Auto(AutoToolChoice::builder().build())))
        }
        Some(Choice::Mode(mode)) if has_tools && mode == "required" => {
            ToolMode::On(Some(ToolChoice::Any(AnyToolChoice::builder().build())))
        }
        Some(Choice::Function(api::NamedToolChoice { name })) => {
            let specific = SpecificToolChoice::builder().name(name).build().map_err(internal)?;
            ToolMode::On(Some(ToolChoice::Tool(specific)))
        }
        // "none", or no tools at all.
        _ => ToolMode::Off,
    })
}

/// The declared tools as Converse tool specifications, with cache points where the plan places them.
/// `strict` sends strict tools as strict (models with native structured output).
fn tool_specs(tools: &[api::Tool], cache: CachePlan, strict: bool) -> Result<Vec<Tool>> {
    let mut specs = Vec::with_capacity(tools.len() + 2);
    let mut marked = false;
    for tool in tools {
        specs.push(tool_spec(tool, strict)?);
        if let Some(control) = &tool.cache_control
            && cache.markers
            && cache.in_tools
        {
            specs.push(Tool::CachePoint(cache_point(Some(control))?));
            marked = true;
        }
    }
    if cache.auto && cache.in_tools && !marked && !specs.is_empty() {
        specs.push(Tool::CachePoint(cache_point(None)?));
    }
    Ok(specs)
}

fn tool_spec(tool: &api::Tool, send_strict: bool) -> Result<Tool> {
    let api::Tool { r#type: _, function, cache_control: _ } = tool; // validated: "function"
    let Some(function) = function else {
        return Err(internal("a tool without a function passed validation"));
    };
    let api::FunctionDefinition {
        name,
        description,
        parameters,
        strict, // sent where the model enforces it; checked after the answer either way
        parameters_json,
    } = function;
    let schema = match (parameters, parameters_json) {
        (Some(parameters), _) => document::from_struct(parameters),
        (None, Some(text)) => document::from_json_text(text).map_err(internal)?,
        (None, None) => document::from_json(&serde_json::json!({"type": "object", "properties": {}})),
    };
    let spec = ToolSpecification::builder()
        .name(name)
        .set_description(description.clone().filter(|d| !d.is_empty()))
        .input_schema(ToolInputSchema::Json(schema))
        .set_strict(strict.filter(|s| *s && send_strict))
        .build()
        .map_err(internal)?;
    Ok(Tool::ToolSpec(spec))
}

/// Splits the messages into the system prompt and alternating turns, merging consecutive turns of
/// one role (tool results become part of a user turn). Cache points follow the blocks their marker
/// is on; reasoning blocks are replayed in their original places when `replay` is set; documents
/// ask for citations when `citations` is set (or their own switch says so).
fn conversation(
    messages: &[api::Message],
    tools_on: bool,
    replay: bool,
    cache: CachePlan,
    citations: bool,
    s3: S3Access,
) -> Result<(Vec<SystemContentBlock>, Vec<Message>)> {
    let mut system = Vec::new();
    let mut attachments = Attachments { names: document_block::Names::default(), citations, s3 };
    let mut turns: Vec<(ConversationRole, Vec<ContentBlock>)> = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let api::Message {
            role,
            content,
            name: _, // accepted, not sent: Converse has no participant names
            tool_calls,
            tool_call_id,
            reasoning_content: _, // the blocks carry the reasoning back
            thinking_blocks,
            cache_control,
            citations: _, // answers only: the cited text is in the content
            tool_error,
        } = message;
        let marker = cache_control.as_ref().filter(|_| cache.markers);
        let (turn_role, mut blocks) = match role.as_str() {
            "system" | "developer" => {
                for (text, part_marker) in texts(content.as_ref()) {
                    if !is_blank(&text) {
                        system.push(SystemContentBlock::Text(text));
                    }
                    if let Some(control) = part_marker.filter(|_| cache.markers) {
                        system.push(SystemContentBlock::CachePoint(cache_point(Some(control))?));
                    }
                }
                if let Some(control) = marker {
                    system.push(SystemContentBlock::CachePoint(cache_point(Some(control))?));
                }
                continue;
            }
            "user" => (ConversationRole::User, user_blocks(content.as_ref(), i, cache, &mut attachments)?),
            "assistant" => {
                let mut text_blocks = Vec::new();
                for (text, part_marker) in texts(content.as_ref()) {
                    if !is_blank(&text) {
                        text_blocks.push(ContentBlock::Text(text));
                    }
                    if let Some(control) = part_marker.filter(|_| cache.markers) {
                        text_blocks.push(ContentBlock::CachePoint(cache_point(Some(control))?));
                    }
                }
                let calls =
                    tool_calls.iter().map(|call| tool_use(call, tools_on)).collect::<Result<Vec<_>>>()?;
                let reasoning = if replay { thinking_blocks.as_slice() } else { &[] };
                (ConversationRole::Assistant, assistant_blocks(reasoning, text_blocks, calls)?)
            }
            _tool => {
                let id = tool_call_id.as_deref().unwrap_or_default();
                let text = texts(content.as_ref()).map(|(text, _)| text).collect::<Vec<_>>().join("\n");
                (ConversationRole::User, vec![tool_result(id, text, tool_error.unwrap_or(false), tools_on)?])
            }
        };
        if let Some(control) = marker {
            blocks.push(ContentBlock::CachePoint(cache_point(Some(control))?));
        }
        match turns.last_mut() {
            Some((last_role, last_blocks)) if *last_role == turn_role => last_blocks.extend(blocks),
            _ => turns.push((turn_role, blocks)),
        }
    }
    if cache.auto {
        if !system.is_empty() {
            system.push(SystemContentBlock::CachePoint(cache_point(None)?));
        }
        if let Some((_, last)) = turns.last_mut() {
            last.push(ContentBlock::CachePoint(cache_point(None)?));
        }
    }
    let messages = turns
        .into_iter()
        .map(|(role, content)| {
            Message::builder().role(role).set_content(Some(content)).build().map_err(internal)
        })
        .collect::<Result<_>>()?;
    Ok((system, messages))
}

/// An assistant turn in the order the model wrote it: reasoning blocks before the tool calls they
/// preceded (`tool_calls_before`), the text after the leading reasoning, then the calls.
fn assistant_blocks(
    reasoning: &[api::ThinkingBlock],
    text: Vec<ContentBlock>,
    calls: Vec<ContentBlock>,
) -> Result<Vec<ContentBlock>> {
    let before = |block: &api::ThinkingBlock| block.tool_calls_before.unwrap_or(0) as usize;
    let mut blocks = Vec::with_capacity(reasoning.len() + text.len() + calls.len());
    for block in reasoning.iter().filter(|b| before(b) == 0) {
        blocks.push(reasoning_block(block)?);
    }
    blocks.extend(text);
    let count = calls.len();
    for (k, call) in calls.into_iter().enumerate() {
        if k > 0 {
            for block in reasoning.iter().filter(|b| before(b) == k) {
                blocks.push(reasoning_block(block)?);
            }
        }
        blocks.push(call);
    }
    // Reasoning after the last call (validation allows tool_calls_before up to the count).
    if count > 0 {
        for block in reasoning.iter().filter(|b| before(b) == count) {
            blocks.push(reasoning_block(block)?);
        }
    }
    Ok(blocks)
}

/// A replayed reasoning block, byte for byte.
fn reasoning_block(block: &api::ThinkingBlock) -> Result<ContentBlock> {
    let api::ThinkingBlock { r#type, thinking, signature, data, tool_calls_before: _ } = block;
    let content = if r#type == "redacted_thinking" {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_deref().unwrap_or_default())
            .map_err(internal)?;
        ReasoningContentBlock::RedactedContent(Blob::new(bytes))
    } else {
        let text = ReasoningTextBlock::builder()
            .text(thinking.clone().unwrap_or_default())
            .set_signature(signature.clone())
            .build()
            .map_err(internal)?;
        ReasoningContentBlock::ReasoningText(text)
    };
    Ok(ContentBlock::ReasoningContent(content))
}

/// The text of a message's content with each part's cache marker (validation allows only text
/// parts outside user messages).
fn texts(
    content: Option<&api::message::Content>,
) -> impl Iterator<Item = (String, Option<&api::CacheControl>)> + '_ {
    use api::content_part::Part;
    let (one, parts) = match content {
        None => (None, &[][..]),
        Some(api::message::Content::Text(text)) => (Some((text.clone(), None)), &[][..]),
        Some(api::message::Content::Parts(parts)) => (None, parts.parts.as_slice()),
    };
    one.into_iter().chain(parts.iter().filter_map(|part| match &part.part {
        Some(Part::Text(text)) => Some((text.clone(), part.cache_control.as_ref())),
        _ => None,
    }))
}

/// What images and documents need across the request: document names (unique in the request),
/// the citations default, and whether and how S3 URLs are read.
struct Attachments<'a> {
    names: document_block::Names,
    citations: bool,
    s3: S3Access<'a>,
}

fn user_blocks(
    content: Option<&api::message::Content>,
    i: usize,
    cache: CachePlan,
    attachments: &mut Attachments,
) -> Result<Vec<ContentBlock>> {
    use api::content_part::Part;
    let parts = match content {
        None => return Ok(Vec::new()),
        Some(api::message::Content::Text(text)) if is_blank(text) => return Ok(Vec::new()),
        Some(api::message::Content::Text(text)) => return Ok(vec![ContentBlock::Text(text.clone())]),
        Some(api::message::Content::Parts(parts)) => &parts.parts,
    };
    let mut blocks = Vec::with_capacity(parts.len());
    for (j, api::ContentPart { part, cache_control }) in parts.iter().enumerate() {
        match part {
            Some(Part::Text(text)) if is_blank(text) => {}
            Some(Part::Text(text)) => blocks.push(ContentBlock::Text(text.clone())),
            Some(Part::ImageUrl(api::ImageUrl { url, detail: _ })) => {
                // `detail` is accepted, not sent: Bedrock has no such hint.
                let field = format!("messages[{i}].content.parts[{j}].image_url.url");
                blocks.push(image_block(url, &field, &attachments.s3)?);
            }
            Some(Part::Document(document)) => {
                let field = format!("messages[{i}].content.parts[{j}].document");
                let Attachments { names, citations, s3 } = attachments;
                blocks.push(document_block::block(document, &field, names, *citations, s3)?);
            }
            None => {}
        }
        if let Some(control) = cache_control.as_ref().filter(|_| cache.markers) {
            blocks.push(ContentBlock::CachePoint(cache_point(Some(control))?));
        }
    }
    Ok(blocks)
}

/// An image from a base64 data URL, or an S3 location Bedrock reads itself.
fn image_block(url: &str, field: &str, s3: &S3Access) -> Result<ContentBlock> {
    let (kind, source) = match s3::parse(url, field)? {
        Some(location) => {
            (location.image_kind(field)?, ImageSource::S3Location(s3.location(location, field)?))
        }
        None => {
            let (kind, bytes) = data_url::decode(url, field)?;
            (kind, ImageSource::Bytes(Blob::new(bytes)))
        }
    };
    let format = match kind {
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Gif => ImageFormat::Gif,
        ImageKind::Webp => ImageFormat::Webp,
    };
    let image = ImageBlock::builder().format(format).source(source).build().map_err(internal)?;
    Ok(ContentBlock::Image(image))
}

fn tool_use(call: &api::ToolCall, tools_on: bool) -> Result<ContentBlock> {
    let api::ToolCall { id, r#type: _, function } = call; // validated: "function"
    let (name, arguments) =
        function.as_ref().map(|f| (f.name.as_str(), f.arguments.as_str())).unwrap_or_default();
    let arguments = if arguments.trim().is_empty() { "{}" } else { arguments };
    if !tools_on {
        return Ok(ContentBlock::Text(format!("[tool call {id}: {name}({arguments})]")));
    }
    let block = ToolUseBlock::builder()
        .tool_use_id(id)
        .name(name)
        .input(document::from_json_text(arguments).map_err(internal)?)
        .build()
        .map_err(internal)?;
    Ok(ContentBlock::ToolUse(block))
}

fn tool_result(id: &str, text: String, failed: bool, tools_on: bool) -> Result<ContentBlock> {
    if !tools_on {
        let outcome = if failed { "tool error" } else { "tool result" };
        return Ok(ContentBlock::Text(format!("[{outcome} {id}: {text}]")));
    }
    let block = ToolResultBlock::builder()
        .tool_use_id(id)
        .content(ToolResultContentBlock::Text(text))
        .set_status(failed.then_some(ToolResultStatus::Error))
        .build()
        .map_err(internal)?;
    Ok(ContentBlock::ToolResult(block))
}

fn guardrail(config: &api::GuardrailConfig) -> Guardrail {
    let api::GuardrailConfig { guardrail_identifier, guardrail_version, trace } = config;
    let trace = match trace.as_deref() {
        Some("enabled") => GuardrailTrace::Enabled,
        Some("enabled_full") => GuardrailTrace::EnabledFull,
        // validated: unset or "disabled"
        _ => GuardrailTrace::Disabled,
    };
    Guardrail { identifier: guardrail_identifier.clone(), version: guardrail_version.clone(), trace }
}

/// An SDK builder refused what we built, or validated input did not parse: a bug here, not the
/// caller's fault.
fn internal(error: impl std::fmt::Display) -> Error {
    Error::new(crate::error::ErrorKind::Internal, format!("building the Bedrock request failed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::message::Content;

    fn message(role: &str, text: &str) -> api::Message {
        api::Message { role: role.into(), content: Some(Content::Text(text.into())), ..Default::default() }
    }

    fn request(messages: Vec<api::Message>) -> api::ChatCompletionRequest {
        api::ChatCompletionRequest {
            model: "anthropic.claude-3-haiku-20240307-v1:0".into(),
            messages,
            ..Default::default()
        }
    }

    fn weather_tool() -> api::Tool {
        api::Tool {
            r#type: "function".into(),
            function: Some(api::FunctionDefinition { name: "get_weather".into(), ..Default::default() }),
            cache_control: None,
        }
    }

    fn assistant_calling(ids: &[&str]) -> api::Message {
        api::Message {
            role: "assistant".into(),
            tool_calls: ids
                .iter()
                .map(|id| api::ToolCall {
                    id: (*id).into(),
                    r#type: "function".into(),
                    function: Some(api::FunctionCall {
                        name: "get_weather".into(),
                        arguments: r#"{"city":"Paris"}"#.into(),
                    }),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn tool_message(id: &str, text: &str) -> api::Message {
        api::Message { tool_call_id: Some(id.into()), ..message("tool", text) }
    }

    #[test]
    fn system_and_developer_messages_become_the_system_prompt() {
        let req = request(vec![
            message("system", "be brief"),
            message("user", "hi"),
            message("developer", "no emoji"),
        ]);
        let converse = to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap();
        assert_eq!(converse.system.len(), 2);
        assert_eq!(converse.messages.len(), 1);
    }

    #[test]
    fn consecutive_turns_of_one_role_are_merged() {
        let req = request(vec![
            message("user", "a"),
            message("user", "b"),
            message("assistant", "c"),
            message("user", "d"),
        ]);
        let converse = to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap();
        let shape: Vec<(ConversationRole, usize)> =
            converse.messages.iter().map(|m| (m.role().clone(), m.content().len())).collect();
        assert_eq!(
            shape,
            [(ConversationRole::User, 2), (ConversationRole::Assistant, 1), (ConversationRole::User, 1)]
        );
    }

    #[test]
    fn several_tool_results_land_in_one_user_turn() {
        let mut req = request(vec![
            message("user", "weather in Paris and Rome?"),
            assistant_calling(&["call_1", "call_2"]),
            tool_message("call_1", "sunny"),
            tool_message("call_2", "rainy"),
        ]);
        req.tools = vec![weather_tool()];
        let converse = to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap();
        assert_eq!(converse.messages.len(), 3);
        let results = converse.messages[2].content();
        assert_eq!(results.len(), 2);
        assert!(results.iter().all(|block| matches!(block, ContentBlock::ToolResult(_))));
        assert!(
            matches!(&converse.messages[1].content()[0], ContentBlock::ToolUse(u) if u.tool_use_id() == "call_1")
        );
    }

    #[test]
    fn tool_choice_none_keeps_the_history_but_sends_no_tools() {
        let mut req = request(vec![
            message("user", "q"),
            assistant_calling(&["call_1"]),
            tool_message("call_1", "sunny"),
        ]);
        req.tools = vec![weather_tool()];
        req.tool_choice =
            Some(api::ToolChoice { choice: Some(api::tool_choice::Choice::Mode("none".into())) });
        let converse = to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap();
        assert!(converse.tool_config.is_none());
        let rendered = format!("{:?}", converse.messages);
        assert!(rendered.contains("[tool call call_1: get_weather"), "{rendered}");
        assert!(rendered.contains("[tool result call_1: sunny]"), "{rendered}");
    }

    #[test]
    fn tool_choices_map_to_converse() {
        let mut req = request(vec![message("user", "q")]);
        req.tools = vec![weather_tool()];
        let choice = |c: api::tool_choice::Choice| Some(api::ToolChoice { choice: Some(c) });
        req.tool_choice = choice(api::tool_choice::Choice::Mode("required".into()));
        assert!(matches!(
            to_converse(&req, &Decisions::plain(&Structured::plain()))
                .unwrap()
                .tool_config
                .unwrap()
                .tool_choice(),
            Some(ToolChoice::Any(_))
        ));
        req.tool_choice =
            choice(api::tool_choice::Choice::Function(api::NamedToolChoice { name: "get_weather".into() }));
        assert!(
            matches!(to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap().tool_config.unwrap().tool_choice(), Some(ToolChoice::Tool(t)) if t.name() == "get_weather")
        );
    }

    #[test]
    fn images_from_data_urls_become_image_blocks() {
        let part = |url: &str| api::ContentPart {
            part: Some(api::content_part::Part::ImageUrl(api::ImageUrl { url: url.into(), detail: None })),
            cache_control: None,
        };
        let with = |url: &str| {
            request(vec![api::Message {
                role: "user".into(),
                content: Some(Content::Parts(api::ContentParts { parts: vec![part(url)] })),
                ..Default::default()
            }])
        };
        let ok =
            to_converse(&with("data:image/png;base64,iVBORw0KGgo="), &Decisions::plain(&Structured::plain()))
                .unwrap();
        assert!(
            matches!(&ok.messages[0].content()[0], ContentBlock::Image(i) if *i.format() == ImageFormat::Png)
        );
        let undecodable =
            to_converse(&with("data:image/png;base64,@@@"), &Decisions::plain(&Structured::plain()))
                .unwrap_err();
        assert!(undecodable.message.contains("base64"), "{undecodable}");
        assert_eq!(undecodable.field.as_deref(), Some("messages[0].content.parts[0].image_url.url"));
    }

    #[test]
    fn sampling_and_stop_sequences_pass_through() {
        let mut req = request(vec![message("user", "q")]);
        req.max_completion_tokens = Some(42);
        req.temperature = Some(0.0);
        req.top_p = Some(0.9);
        req.stop = vec!["END".into()];
        let inference = to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap().inference;
        assert_eq!(inference.max_tokens(), Some(42));
        assert_eq!(inference.temperature(), Some(0.0));
        assert_eq!(inference.top_p(), Some(0.9));
        assert_eq!(inference.stop_sequences(), ["END".to_owned()]);
    }

    #[test]
    fn json_text_fields_keep_integers_above_2_pow_53_exact() {
        let mut req = request(vec![message("user", "q")]);
        req.additional_model_request_fields_json = Some(r#"{"seed_like": 9007199254740993}"#.into());
        req.tools = vec![api::Tool {
            r#type: "function".into(),
            function: Some(api::FunctionDefinition {
                name: "f".into(),
                parameters_json: Some(r#"{"type": "object", "maximum": 9007199254740993}"#.into()),
                ..Default::default()
            }),
            cache_control: None,
        }];
        let converse = to_converse(&req, &Decisions::plain(&Structured::plain())).unwrap();
        let exact = aws_smithy_types::Number::PosInt(9_007_199_254_740_993);
        let Some(Document::Object(fields)) = &converse.additional_fields else { panic!("an object") };
        assert_eq!(fields["seed_like"], Document::Number(exact));
        let tool_config = converse.tool_config.unwrap();
        let Tool::ToolSpec(spec) = &tool_config.tools()[0] else { panic!("a tool spec") };
        let Some(ToolInputSchema::Json(Document::Object(schema))) = spec.input_schema() else { panic!() };
        assert_eq!(schema["maximum"], Document::Number(exact));
    }

    fn thinking(text: &str, before: Option<u32>) -> api::ThinkingBlock {
        api::ThinkingBlock {
            r#type: "thinking".into(),
            thinking: Some(text.into()),
            signature: Some(format!("sig-{text}")),
            data: None,
            tool_calls_before: before,
        }
    }

    #[test]
    fn reasoning_blocks_are_replayed_in_their_places_between_tool_calls() {
        let mut assistant = api::Message {
            content: Some(Content::Text("Checking.".into())),
            ..assistant_calling(&["a", "b"])
        };
        assistant.thinking_blocks =
            vec![thinking("first", None), thinking("between", Some(1)), thinking("last", Some(2))];
        let mut req =
            request(vec![message("user", "q"), assistant, tool_message("a", "x"), tool_message("b", "y")]);
        req.tools = vec![weather_tool()];
        let structured = Structured::plain();
        let plan = Plan::Budget { budget: 2048, max_tokens: 6144 };
        let decisions = Decisions {
            model_id: "anthropic.claude-sonnet-4-20250514-v1:0",
            reasoning: &plan,
            ..Decisions::plain(&structured)
        };
        let converse = to_converse(&req, &decisions).unwrap();
        let kinds: Vec<String> = converse.messages[1]
            .content()
            .iter()
            .map(|block| match block {
                ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(t)) => {
                    format!("thinking:{}", t.text())
                }
                ContentBlock::Text(t) => format!("text:{t}"),
                ContentBlock::ToolUse(u) => format!("tool:{}", u.tool_use_id()),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            ["thinking:first", "text:Checking.", "tool:a", "thinking:between", "tool:b", "thinking:last"]
        );
        let Some(Document::Object(fields)) = &converse.additional_fields else { panic!("thinking fields") };
        assert!(fields.contains_key("thinking") && fields.contains_key("anthropic_beta"), "{fields:?}");
        assert_eq!(converse.inference.max_tokens(), Some(6144));
        // With thinking off, the blocks stay home.
        let off = to_converse(&req, &Decisions::plain(&structured)).unwrap();
        assert!(!format!("{:?}", off.messages[1]).contains("ReasoningContent"));
    }

    #[test]
    fn the_interleaved_thinking_beta_joins_the_callers_betas() {
        let mut req = request(vec![message("user", "q")]);
        req.tools = vec![weather_tool()];
        req.additional_model_request_fields_json =
            Some(r#"{"anthropic_beta": ["context-1m-2025-08-07"]}"#.into());
        let structured = Structured::plain();
        let plan = Plan::Budget { budget: 1024, max_tokens: 4096 };
        let decisions = Decisions {
            model_id: "us.anthropic.claude-sonnet-4-20250514-v1:0",
            reasoning: &plan,
            ..Decisions::plain(&structured)
        };
        let Some(Document::Object(fields)) = to_converse(&req, &decisions).unwrap().additional_fields else {
            panic!()
        };
        let betas = format!("{:?}", fields["anthropic_beta"]);
        assert!(betas.contains("context-1m") && betas.contains("interleaved-thinking"), "{betas}");
    }

    #[test]
    fn reasoning_fields_merge_with_the_callers_own() {
        let mut req = request(vec![message("user", "q")]);
        req.additional_model_request_fields_json = Some(r#"{"top_k": 40}"#.into());
        let structured = Structured::plain();
        let plan = Plan::Nova { effort: "high" };
        let decisions = Decisions {
            model_id: "us.amazon.nova-2-lite-v1:0",
            reasoning: &plan,
            ..Decisions::plain(&structured)
        };
        let Some(Document::Object(fields)) = to_converse(&req, &decisions).unwrap().additional_fields else {
            panic!()
        };
        assert_eq!(fields["top_k"], Document::Number(aws_smithy_types::Number::PosInt(40)));
        assert!(fields.contains_key("reasoningConfig"));
    }

    #[test]
    fn claude_is_asked_which_stop_sequence_ended_the_answer() {
        let mut req = request(vec![message("user", "q")]);
        let structured = Structured::plain();
        let ask = |req: &api::ChatCompletionRequest, model_id| {
            to_converse(req, &Decisions { model_id, ..Decisions::plain(&structured) })
                .unwrap()
                .response_field_paths
        };
        assert_eq!(ask(&req, "us.anthropic.claude-sonnet-4-20250514-v1:0"), None, "no stop sequences");
        req.stop = vec!["END".into()];
        assert_eq!(
            ask(&req, "us.anthropic.claude-sonnet-4-20250514-v1:0"),
            Some(vec![STOP_SEQUENCE_PATH.to_owned()])
        );
        assert_eq!(ask(&req, "amazon.nova-lite-v1:0"), None, "only Claude's response has the field");
    }

    #[test]
    fn cache_markers_become_cache_points_after_their_blocks() {
        let marker = Some(api::CacheControl { r#type: "ephemeral".into(), ttl: Some("1h".into()) });
        let mut req = request(vec![
            api::Message { cache_control: marker.clone(), ..message("system", "s") },
            api::Message { cache_control: marker.clone(), ..message("user", "q") },
        ]);
        req.tools = vec![api::Tool { cache_control: marker, ..weather_tool() }];
        let structured = Structured::plain();
        let cache = CachePlan { markers: true, in_tools: false, auto: false };
        let decisions = Decisions { cache, ..Decisions::plain(&structured) };
        let converse = to_converse(&req, &decisions).unwrap();
        assert!(
            matches!(&converse.system[1], SystemContentBlock::CachePoint(p) if p.ttl() == Some(&CacheTtl::OneHour))
        );
        assert!(matches!(converse.messages[0].content().last(), Some(ContentBlock::CachePoint(_))));
        let tools = converse.tool_config.unwrap();
        assert_eq!(tools.tools().len(), 1, "no cache point in tools where the model takes none");
    }
}
