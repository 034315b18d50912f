//! Maps a [`ChatCompletionRequest`] onto Converse's request shape, rejecting what Bedrock cannot
//! honour with an error that names the field.
//!
//! Bedrock's rules that OpenAI clients do not follow on their own, and how they are met here:
//! - System and developer messages, wherever they appear, become Converse's `system` blocks.
//! - Turns must alternate user/assistant: consecutive turns of one role are merged, and `tool`
//!   messages become `toolResult` blocks of a user turn, so several results for one assistant turn
//!   land in one user turn (agent clients replay long tool histories).
//! - Converse has no "none" tool choice, and it rejects tool blocks in a history without a
//!   `toolConfig`. So when tools are off (no tools, or `tool_choice: "none"`), the history's tool calls
//!   and results are rendered as text: the model cannot call a tool, and the history is still accepted.

use super::document;
use crate::error::{Error, Result};
use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, AutoToolChoice, ContentBlock, ConversationRole, GuardrailTrace, ImageBlock, ImageFormat,
    ImageSource, InferenceConfiguration, Message, SpecificToolChoice, SystemContentBlock, Tool, ToolChoice,
    ToolConfiguration, ToolInputSchema, ToolResultBlock, ToolResultContentBlock, ToolSpecification,
    ToolUseBlock,
};
use aws_smithy_types::{Blob, Document};
use base64::Engine as _;
use std::collections::HashSet;

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

/// Maps the request. The request-level checks (`n`, `logprobs`, an empty message list) come first,
/// in `chat::validate`; this maps each field and rejects what has no Converse equivalent.
pub fn to_converse(request: &api::ChatCompletionRequest) -> Result<ConverseRequest> {
    let mode = tool_mode(request)?;
    // Tools are checked even when they will not be sent (`tool_choice: "none"`).
    let specs = tool_specs(&request.tools)?;
    let tool_config = match &mode {
        ToolMode::Off => None,
        ToolMode::On(choice) => Some(
            ToolConfiguration::builder()
                .set_tools(Some(specs))
                .set_tool_choice(choice.clone())
                .build()
                .map_err(internal)?,
        ),
    };
    let (system, messages) = conversation(&request.messages, matches!(mode, ToolMode::On(_)))?;
    Ok(ConverseRequest {
        model_id: request.model.clone(),
        messages,
        system,
        inference: inference(request)?,
        tool_config,
        additional_fields: request.additional_model_request_fields.as_ref().map(document::from_struct),
        guardrail: request.guardrail_config.as_ref().map(guardrail).transpose()?,
    })
}

fn inference(request: &api::ChatCompletionRequest) -> Result<InferenceConfiguration> {
    let max_tokens = match (request.max_tokens, request.max_completion_tokens) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::invalid(
                "max_completion_tokens",
                format!("is {b} but max_tokens is {a}; set one of them (they mean the same)"),
            ));
        }
        (a, b) => a.or(b),
    };
    if max_tokens == Some(0) {
        return Err(Error::invalid("max_tokens", "must be at least 1"));
    }
    let max_tokens = max_tokens
        .map(|n| i32::try_from(n).map_err(|_| Error::invalid("max_tokens", "is too large")))
        .transpose()?;
    if let Some(t) = request.temperature
        && !(0.0..=2.0).contains(&t)
    {
        return Err(Error::invalid("temperature", format!("{t} is outside 0..=2")));
    }
    if let Some(p) = request.top_p
        && !(0.0..=1.0).contains(&p)
    {
        return Err(Error::invalid("top_p", format!("{p} is outside 0..=1")));
    }
    if let Some(index) = request.stop.iter().position(String::is_empty) {
        return Err(Error::invalid(format!("stop[{index}]"), "must not be empty"));
    }
    Ok(InferenceConfiguration::builder()
        .set_max_tokens(max_tokens)
        .set_temperature(request.temperature.map(|t| t as f32))
        .set_top_p(request.top_p.map(|p| p as f32))
        .set_stop_sequences((!request.stop.is_empty()).then(|| request.stop.clone()))
        .build())
}

fn tool_mode(request: &api::ChatCompletionRequest) -> Result<ToolMode> {
    let has_tools = !request.tools.is_empty();
    let choice = request.tool_choice.as_ref().and_then(|c| c.choice.as_ref());
    use api::tool_choice::Choice;
    match choice {
        None => Ok(if has_tools { ToolMode::On(None) } else { ToolMode::Off }),
        Some(Choice::Mode(mode)) => match mode.as_str() {
            "none" => Ok(ToolMode::Off),
            "auto" => Ok(if has_tools {
                ToolMode::On(Some(ToolChoice::Auto(AutoToolChoice::builder().build())))
            } else {
                ToolMode::Off
            }),
            "required" if has_tools => {
                Ok(ToolMode::On(Some(ToolChoice::Any(AnyToolChoice::builder().build()))))
            }
            "required" => {
                Err(Error::invalid("tool_choice", "\"required\" needs at least one tool in `tools`"))
            }
            other => Err(Error::invalid(
                "tool_choice",
                format!("unknown mode {other:?}; expected \"none\", \"auto\" or \"required\""),
            )),
        },
        Some(Choice::Function(named)) => {
            let declared =
                request.tools.iter().any(|tool| tool.function.as_ref().is_some_and(|f| f.name == named.name));
            if !declared {
                return Err(Error::invalid(
                    "tool_choice.function.name",
                    format!("{:?} is not one of the functions in `tools`", named.name),
                ));
            }
            let specific = SpecificToolChoice::builder().name(&named.name).build().map_err(internal)?;
            Ok(ToolMode::On(Some(ToolChoice::Tool(specific))))
        }
    }
}

/// Checks and maps the declared tools.
fn tool_specs(tools: &[api::Tool]) -> Result<Vec<Tool>> {
    let mut names = HashSet::new();
    let mut specs = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        if !(tool.r#type.is_empty() || tool.r#type == "function") {
            return Err(Error::invalid(
                format!("tools[{i}].type"),
                format!("{:?} is not supported; use \"function\"", tool.r#type),
            ));
        }
        let Some(function) = &tool.function else {
            return Err(Error::invalid(format!("tools[{i}].function"), "is required"));
        };
        let name = &function.name;
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_name {
            return Err(Error::invalid(
                format!("tools[{i}].function.name"),
                format!("{name:?} must be 1 to 64 letters, digits, underscores or hyphens"),
            ));
        }
        if !names.insert(name.as_str()) {
            return Err(Error::invalid(
                format!("tools[{i}].function.name"),
                format!("{name:?} is declared twice"),
            ));
        }
        let schema = match &function.parameters {
            Some(parameters) => document::from_struct(parameters),
            None => document::from_json(&serde_json::json!({"type": "object", "properties": {}})),
        };
        let spec = ToolSpecification::builder()
            .name(name)
            .set_description(function.description.clone().filter(|d| !d.is_empty()))
            .input_schema(ToolInputSchema::Json(schema))
            .build()
            .map_err(internal)?;
        specs.push(Tool::ToolSpec(spec));
    }
    Ok(specs)
}

/// Splits the messages into the system prompt and alternating turns.
fn conversation(
    messages: &[api::Message],
    tools_on: bool,
) -> Result<(Vec<SystemContentBlock>, Vec<Message>)> {
    let mut system = Vec::new();
    let mut turns: Vec<(ConversationRole, Vec<ContentBlock>)> = Vec::new();
    // Tool calls of the latest assistant turn that no tool message has answered yet.
    let mut unanswered: Vec<String> = Vec::new();

    for (i, message) in messages.iter().enumerate() {
        let role = message.role.as_str();
        if !message.tool_calls.is_empty() && role != "assistant" {
            return Err(Error::invalid(
                format!("messages[{i}].tool_calls"),
                format!("only assistant messages carry tool calls, not {role:?}"),
            ));
        }
        if message.tool_call_id.is_some() && role != "tool" {
            return Err(Error::invalid(
                format!("messages[{i}].tool_call_id"),
                format!("only tool messages answer a tool call, not {role:?}"),
            ));
        }
        if role != "tool" && !unanswered.is_empty() {
            return Err(unanswered_calls(i, &unanswered));
        }
        let (turn_role, blocks) = match role {
            "system" | "developer" => {
                let texts = text_parts(message, i)?;
                if texts.iter().all(|t| is_blank(t)) {
                    return Err(Error::invalid(
                        format!("messages[{i}].content"),
                        format!("a {role} message must not be empty or blank"),
                    ));
                }
                system.extend(texts.into_iter().filter(|t| !is_blank(t)).map(SystemContentBlock::Text));
                continue;
            }
            "user" => (ConversationRole::User, user_blocks(message, i)?),
            "assistant" => {
                let mut blocks: Vec<ContentBlock> = text_parts(message, i)?
                    .into_iter()
                    .filter(|t| !is_blank(t))
                    .map(ContentBlock::Text)
                    .collect();
                for (j, call) in message.tool_calls.iter().enumerate() {
                    blocks.push(tool_use(call, i, j, tools_on)?);
                    unanswered.push(call.id.clone());
                }
                if blocks.is_empty() {
                    return Err(Error::invalid(
                        format!("messages[{i}].content"),
                        "an assistant message needs content or tool_calls",
                    ));
                }
                (ConversationRole::Assistant, blocks)
            }
            "tool" => {
                let id = message.tool_call_id.as_deref().unwrap_or_default();
                if id.is_empty() {
                    return Err(Error::invalid(
                        format!("messages[{i}].tool_call_id"),
                        "is required for a tool message",
                    ));
                }
                let Some(position) = unanswered.iter().position(|pending| pending == id) else {
                    return Err(Error::invalid(
                        format!("messages[{i}].tool_call_id"),
                        format!(
                            "{id:?} does not match a tool call of the preceding assistant message (or was already answered)"
                        ),
                    ));
                };
                unanswered.remove(position);
                let text = text_parts(message, i)?.join("\n");
                (ConversationRole::User, vec![tool_result(id, text, tools_on)?])
            }
            other => {
                return Err(Error::invalid(
                    format!("messages[{i}].role"),
                    format!("unknown role {other:?}; expected system, developer, user, assistant or tool"),
                ));
            }
        };
        match turns.last_mut() {
            Some((last_role, last_blocks)) if *last_role == turn_role => last_blocks.extend(blocks),
            _ => turns.push((turn_role, blocks)),
        }
    }
    if !unanswered.is_empty() {
        return Err(unanswered_calls(usize::MAX, &unanswered));
    }
    match turns.first() {
        None => {
            return Err(Error::invalid(
                "messages",
                "needs at least one user message besides system messages",
            ));
        }
        Some((ConversationRole::User, _)) => {}
        Some(_) => {
            return Err(Error::invalid(
                "messages",
                "the first message after the system messages must come from the user (Bedrock requires it)",
            ));
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

/// `index` is the message that should have answered them, or the message count when none did.
fn unanswered_calls(index: usize, ids: &[String]) -> Error {
    let field =
        if index > 0 && index < usize::MAX { format!("messages[{index}]") } else { "messages".to_owned() };
    Error::invalid(
        field,
        format!(
            "tool call(s) {ids:?} of the preceding assistant message have no tool message answering them"
        ),
    )
}

/// The text of a message whose parts must all be text (system, assistant, tool).
fn text_parts(message: &api::Message, i: usize) -> Result<Vec<String>> {
    use api::content_part::Part;
    use api::message::Content;
    match &message.content {
        None => Ok(Vec::new()),
        Some(Content::Text(text)) => Ok(vec![text.clone()]),
        Some(Content::Parts(parts)) => parts
            .parts
            .iter()
            .enumerate()
            .map(|(j, part)| match &part.part {
                Some(Part::Text(text)) => Ok(text.clone()),
                Some(Part::ImageUrl(_)) => Err(Error::invalid(
                    format!("messages[{i}].content.parts[{j}]"),
                    format!("images are only accepted in user messages, not {:?} messages", message.role),
                )),
                None => Err(Error::invalid(format!("messages[{i}].content.parts[{j}]"), "is empty")),
            })
            .collect(),
    }
}

fn user_blocks(message: &api::Message, i: usize) -> Result<Vec<ContentBlock>> {
    use api::content_part::Part;
    use api::message::Content;
    let blocks = match &message.content {
        None => Vec::new(),
        Some(Content::Text(text)) if is_blank(text) => Vec::new(),
        Some(Content::Text(text)) => vec![ContentBlock::Text(text.clone())],
        Some(Content::Parts(parts)) => parts
            .parts
            .iter()
            .enumerate()
            .map(|(j, part)| match &part.part {
                Some(Part::Text(text)) => Ok(ContentBlock::Text(text.clone())),
                Some(Part::ImageUrl(image)) => {
                    image_block(&image.url, &format!("messages[{i}].content.parts[{j}].image_url.url"))
                }
                None => Err(Error::invalid(format!("messages[{i}].content.parts[{j}]"), "is empty")),
            })
            .collect::<Result<_>>()?,
    };
    if blocks.is_empty() {
        return Err(Error::invalid(
            format!("messages[{i}].content"),
            "a user message must not be empty or blank",
        ));
    }
    Ok(blocks)
}

/// Bedrock rejects blank text blocks without naming the field, so they are caught here.
fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// An image from a base64 data URL. Bedrock takes image bytes only; it never fetches URLs.
fn image_block(url: &str, field: &str) -> Result<ContentBlock> {
    let Some(rest) = url.strip_prefix("data:") else {
        return Err(Error::invalid(
            field,
            "only base64 data URLs (data:image/png;base64,...) are supported; Bedrock does not fetch remote images",
        ));
    };
    let Some((mime, data)) = rest.split_once(";base64,") else {
        return Err(Error::invalid(field, "a data URL must be base64-encoded (data:<type>;base64,<data>)"));
    };
    let format = match mime.to_ascii_lowercase().as_str() {
        "image/png" => ImageFormat::Png,
        "image/jpeg" | "image/jpg" => ImageFormat::Jpeg,
        "image/gif" => ImageFormat::Gif,
        "image/webp" => ImageFormat::Webp,
        other => {
            return Err(Error::invalid(
                field,
                format!("image type {other:?} is not supported; use png, jpeg, gif or webp"),
            ));
        }
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| Error::invalid(field, format!("invalid base64: {e}")))?;
    let image = ImageBlock::builder()
        .format(format)
        .source(ImageSource::Bytes(Blob::new(bytes)))
        .build()
        .map_err(internal)?;
    Ok(ContentBlock::Image(image))
}

fn tool_use(call: &api::ToolCall, i: usize, j: usize, tools_on: bool) -> Result<ContentBlock> {
    let field = |name: &str| format!("messages[{i}].tool_calls[{j}].{name}");
    if call.id.is_empty() {
        return Err(Error::invalid(field("id"), "is required"));
    }
    if !(call.r#type.is_empty() || call.r#type == "function") {
        return Err(Error::invalid(
            field("type"),
            format!("{:?} is not supported; use \"function\"", call.r#type),
        ));
    }
    let Some(function) = &call.function else {
        return Err(Error::invalid(field("function"), "is required"));
    };
    let arguments = if function.arguments.trim().is_empty() { "{}" } else { function.arguments.as_str() };
    let input: serde_json::Value = serde_json::from_str(arguments)
        .map_err(|e| Error::invalid(field("function.arguments"), format!("is not valid JSON: {e}")))?;
    if !input.is_object() {
        return Err(Error::invalid(field("function.arguments"), "must be a JSON object"));
    }
    if !tools_on {
        return Ok(ContentBlock::Text(format!("[tool call {}: {}({})]", call.id, function.name, arguments)));
    }
    let block = ToolUseBlock::builder()
        .tool_use_id(&call.id)
        .name(&function.name)
        .input(document::from_json(&input))
        .build()
        .map_err(internal)?;
    Ok(ContentBlock::ToolUse(block))
}

fn tool_result(id: &str, text: String, tools_on: bool) -> Result<ContentBlock> {
    if !tools_on {
        return Ok(ContentBlock::Text(format!("[tool result {id}: {text}]")));
    }
    let block = ToolResultBlock::builder()
        .tool_use_id(id)
        .content(ToolResultContentBlock::Text(text))
        .build()
        .map_err(internal)?;
    Ok(ContentBlock::ToolResult(block))
}

fn guardrail(config: &api::GuardrailConfig) -> Result<Guardrail> {
    if config.guardrail_identifier.is_empty() {
        return Err(Error::invalid("guardrail_config.guardrail_identifier", "is required"));
    }
    if config.guardrail_version.is_empty() {
        return Err(Error::invalid("guardrail_config.guardrail_version", "is required (a number or DRAFT)"));
    }
    let trace = match config.trace.as_deref() {
        None | Some("disabled") => GuardrailTrace::Disabled,
        Some("enabled") => GuardrailTrace::Enabled,
        Some("enabled_full") => GuardrailTrace::EnabledFull,
        Some(other) => {
            return Err(Error::invalid(
                "guardrail_config.trace",
                format!("{other:?}; expected \"enabled\", \"enabled_full\" or \"disabled\""),
            ));
        }
    };
    Ok(Guardrail {
        identifier: config.guardrail_identifier.clone(),
        version: config.guardrail_version.clone(),
        trace,
    })
}

/// An SDK builder refused what we built: a bug here, not the caller's fault.
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
        let converse = to_converse(&req).unwrap();
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
        let converse = to_converse(&req).unwrap();
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
        let converse = to_converse(&req).unwrap();
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
        let converse = to_converse(&req).unwrap();
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
            to_converse(&req).unwrap().tool_config.unwrap().tool_choice(),
            Some(ToolChoice::Any(_))
        ));
        req.tool_choice =
            choice(api::tool_choice::Choice::Function(api::NamedToolChoice { name: "get_weather".into() }));
        assert!(
            matches!(to_converse(&req).unwrap().tool_config.unwrap().tool_choice(), Some(ToolChoice::Tool(t)) if t.name() == "get_weather")
        );
        req.tool_choice =
            choice(api::tool_choice::Choice::Function(api::NamedToolChoice { name: "nope".into() }));
        assert_eq!(to_converse(&req).unwrap_err().field.as_deref(), Some("tool_choice.function.name"));
    }

    #[test]
    fn a_tool_message_without_a_matching_call_is_rejected() {
        let req =
            request(vec![message("user", "q"), assistant_calling(&["call_1"]), tool_message("call_9", "x")]);
        let err = to_converse(&req).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("messages[2].tool_call_id"));
    }

    #[test]
    fn an_unanswered_tool_call_is_rejected() {
        let req =
            request(vec![message("user", "q"), assistant_calling(&["call_1"]), message("user", "and?")]);
        assert_eq!(to_converse(&req).unwrap_err().field.as_deref(), Some("messages[2]"));
    }

    #[test]
    fn unknown_roles_are_rejected_by_name() {
        let err = to_converse(&request(vec![message("wizard", "x")])).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("messages[0].role"));
        assert!(err.message.contains("wizard"));
    }

    #[test]
    fn images_come_from_data_urls_only() {
        let part = |url: &str| api::ContentPart {
            part: Some(api::content_part::Part::ImageUrl(api::ImageUrl { url: url.into(), detail: None })),
        };
        let with = |url: &str| {
            request(vec![api::Message {
                role: "user".into(),
                content: Some(Content::Parts(api::ContentParts { parts: vec![part(url)] })),
                ..Default::default()
            }])
        };
        let ok = to_converse(&with("data:image/png;base64,iVBORw0KGgo=")).unwrap();
        assert!(
            matches!(&ok.messages[0].content()[0], ContentBlock::Image(i) if *i.format() == ImageFormat::Png)
        );
        let remote = to_converse(&with("https://example.com/cat.png")).unwrap_err();
        assert_eq!(remote.field.as_deref(), Some("messages[0].content.parts[0].image_url.url"));
        assert!(to_converse(&with("data:image/bmp;base64,AAAA")).unwrap_err().message.contains("bmp"));
        assert!(to_converse(&with("data:image/png;base64,@@@")).unwrap_err().message.contains("base64"));
    }

    #[test]
    fn sampling_and_stop_sequences_pass_through() {
        let mut req = request(vec![message("user", "q")]);
        req.max_completion_tokens = Some(42);
        req.temperature = Some(0.0);
        req.top_p = Some(0.9);
        req.stop = vec!["END".into()];
        let inference = to_converse(&req).unwrap().inference;
        assert_eq!(inference.max_tokens(), Some(42));
        assert_eq!(inference.temperature(), Some(0.0));
        assert_eq!(inference.top_p(), Some(0.9));
        assert_eq!(inference.stop_sequences(), ["END".to_owned()]);
        req.max_tokens = Some(7);
        assert_eq!(to_converse(&req).unwrap_err().field.as_deref(), Some("max_completion_tokens"));
    }

    #[test]
    fn the_conversation_must_start_with_the_user() {
        let err =
            to_converse(&request(vec![message("system", "s"), message("assistant", "hello")])).unwrap_err();
        assert!(err.message.contains("must come from the user"));
    }
}
