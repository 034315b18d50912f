//! Anthropic's request onto the proto request the core speaks, and the core's answer back as
//! Anthropic's message. Conversions destructure whole structs, so a field added on either side
//! breaks the build until its meaning is decided here.
//!
//! The shapes differ in a few places, each mapped here:
//! - the system prompt is a field, not a turn: it becomes the first (system) message;
//! - a user turn's `tool_result` blocks become tool messages before the turn's other blocks;
//! - an assistant turn's blocks become content, tool calls and reasoning blocks, the reasoning
//!   placed among the tool calls by `tool_calls_before`, so the replay keeps the model's order;
//! - `top_k` goes to Bedrock as the model's own field; `metadata.user_id` is the call's user.
//!
//! Errors found here name Anthropic's fields (`messages[1].content[0].source`); the core's rules,
//! checked after, name the proto's (`messages[2].content.parts[0]`), whose messages count the system
//! prompt and each tool result as one.

use super::messages as an;
use crate::chat::blocks::{self, AnswerBlock};
use crate::chat::turns;
use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// An Anthropic request as the proto request, and whether it asked for a stream.
pub fn request(request: an::MessagesRequest) -> Result<(api::ChatCompletionRequest, bool)> {
    if request.max_tokens.is_none() {
        return Err(Error::invalid("max_tokens", "is required: the most tokens the answer may have"));
    }
    convert(request)
}

/// A `count_tokens` request (no `max_tokens` needed) as the proto request.
pub fn count_request(request: an::MessagesRequest) -> Result<api::ChatCompletionRequest> {
    Ok(convert(request)?.0)
}

fn convert(request: an::MessagesRequest) -> Result<(api::ChatCompletionRequest, bool)> {
    let an::MessagesRequest {
        model,
        messages: turns,
        max_tokens,
        system,
        stop_sequences,
        stream,
        temperature,
        top_p,
        top_k,
        tools,
        tool_choice,
        thinking,
        metadata,
        service_tier,
        container,
        mcp_servers,
    } = request;
    for (field, value) in [("container", &container), ("mcp_servers", &mcp_servers)] {
        if value.as_ref().is_some_and(|v| !v.is_null()) {
            return Err(Error::invalid(field, "is not supported: Bedrock runs no Anthropic-hosted tools"));
        }
    }
    // The core takes OpenAI's 0 to 2; Anthropic's API (and Claude on Bedrock) takes 0 to 1.
    if let Some(t) = temperature.filter(|t| !(0.0..=1.0).contains(t)) {
        return Err(Error::invalid("temperature", format!("{t} is outside 0..=1")));
    }
    let mut messages = Vec::with_capacity(turns.len() + 1);
    if let Some(system) = system {
        messages.push(system_message(system));
    }
    for (i, turn) in turns.into_iter().enumerate() {
        messages.extend(self::turn(i, turn)?);
    }
    let (tool_choice, parallel_tool_calls) = match tool_choice {
        None => (None, None),
        Some(choice) => {
            let (choice, parallel) = self::tool_choice(choice);
            (Some(choice), parallel)
        }
    };
    let service_tier = match service_tier.as_deref() {
        None | Some("auto") => None,
        Some("standard_only") => Some("default".to_owned()),
        Some(other) => {
            return Err(Error::invalid(
                "service_tier",
                format!("{other:?} is not a service tier; use \"auto\" or \"standard_only\""),
            ));
        }
    };
    let proto = api::ChatCompletionRequest {
        model,
        messages,
        max_tokens,
        max_completion_tokens: None,
        temperature,
        top_p,
        stop: stop_sequences.unwrap_or_default(),
        tools: tools
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, t)| tool(i, t))
            .collect::<Result<_>>()?,
        tool_choice,
        user: metadata.and_then(|an::Metadata { user_id }| user_id),
        n: None,
        logprobs: None,
        top_logprobs: None,
        // Anthropic's stream ends with the usage; the core sends it only when asked.
        stream_options: Some(api::StreamOptions { include_usage: true }),
        additional_model_request_fields: None,
        additional_model_request_fields_json: top_k.map(|k| serde_json::json!({ "top_k": k }).to_string()),
        guardrail_config: None,
        parallel_tool_calls,
        service_tier,
        metadata: Default::default(),
        store: None,
        reasoning_effort: None,
        thinking: thinking
            .map(|an::ThinkingParam { kind, budget_tokens }| api::Thinking { r#type: kind, budget_tokens }),
        response_format: None,
        prompt_cache: None,
        citations: None,
        performance_config: None,
    };
    Ok((proto, stream.unwrap_or(false)))
}

fn system_message(system: an::Content<an::SystemBlock>) -> api::Message {
    let content = match system {
        an::Content::Text(text) => api::message::Content::Text(text),
        an::Content::Blocks(blocks) => api::message::Content::Parts(api::ContentParts {
            parts: blocks
                .into_iter()
                .map(|an::SystemBlock::Text { text, cache_control }| api::ContentPart {
                    part: Some(api::content_part::Part::Text(text)),
                    cache_control: cache_control.map(self::cache_control),
                })
                .collect(),
        }),
    };
    api::Message { role: "system".to_owned(), content: Some(content), ..Default::default() }
}

fn cache_control(control: an::AnthropicCacheControl) -> api::CacheControl {
    let an::AnthropicCacheControl { kind, ttl } = control;
    api::CacheControl { r#type: kind, ttl }
}

fn text_part(text: String, cache_control: Option<an::AnthropicCacheControl>) -> api::ContentPart {
    api::ContentPart {
        part: Some(api::content_part::Part::Text(text)),
        cache_control: cache_control.map(self::cache_control),
    }
}

/// One turn as one or more proto messages.
fn turn(i: usize, turn: an::InputMessage) -> Result<Vec<api::Message>> {
    let an::InputMessage { role, content } = turn;
    if role != "user" && role != "assistant" {
        return Err(Error::invalid(
            format!("messages[{i}].role"),
            format!(
                "{role:?} is not a role here; use \"user\" or \"assistant\" (the system prompt is the `system` field)"
            ),
        ));
    }
    match content {
        an::Content::Text(text) => Ok(vec![api::Message {
            role,
            content: Some(api::message::Content::Text(text)),
            ..Default::default()
        }]),
        an::Content::Blocks(blocks) if role == "user" => user_turn(i, blocks),
        an::Content::Blocks(blocks) => Ok(vec![assistant_turn(i, blocks)?]),
    }
}

/// A user turn: its tool results as tool messages (first, as Bedrock wants them), then a user
/// message with the other blocks.
fn user_turn(i: usize, blocks: Vec<an::InputBlock>) -> Result<Vec<api::Message>> {
    let mut messages = Vec::new();
    let mut parts = Vec::new();
    for (j, block) in blocks.into_iter().enumerate() {
        let field = format!("messages[{i}].content[{j}]");
        match block {
            an::InputBlock::Text { text, cache_control, citations: _ } => {
                parts.push(text_part(text, cache_control))
            }
            an::InputBlock::Image { source, cache_control } => parts.push(api::ContentPart {
                part: Some(api::content_part::Part::ImageUrl(api::ImageUrl {
                    url: image_url(&field, source)?,
                    detail: None,
                })),
                cache_control: cache_control.map(self::cache_control),
            }),
            an::InputBlock::Document { source, title, context, citations, cache_control } => {
                let (source, format) = document_source(&field, source)?;
                parts.push(api::ContentPart {
                    part: Some(api::content_part::Part::Document(api::Document {
                        source: Some(source),
                        format,
                        filename: title,
                        citations: citations.map(|an::CitationsSwitch { enabled }| enabled),
                        context,
                    })),
                    cache_control: cache_control.map(self::cache_control),
                });
            }
            an::InputBlock::ToolResult { tool_use_id, content, is_error, cache_control } => {
                messages.push(api::Message {
                    role: "tool".to_owned(),
                    content: Some(api::message::Content::Text(tool_result_text(&field, content)?)),
                    tool_call_id: Some(tool_use_id),
                    cache_control: cache_control.map(self::cache_control),
                    tool_error: is_error.filter(|failed| *failed),
                    ..Default::default()
                });
            }
            an::InputBlock::ToolUse { .. }
            | an::InputBlock::Thinking { .. }
            | an::InputBlock::RedactedThinking { .. } => {
                return Err(Error::invalid(
                    format!("{field}.type"),
                    "only assistant turns carry tool_use and thinking blocks",
                ));
            }
        }
    }
    turns::user_turn(i, messages, parts)
}

fn tool_result_text(field: &str, content: Option<an::Content<an::ToolResultBlock>>) -> Result<String> {
    match content {
        None => Ok(String::new()),
        Some(an::Content::Text(text)) => Ok(text),
        Some(an::Content::Blocks(blocks)) => {
            let mut texts = Vec::with_capacity(blocks.len());
            for (k, block) in blocks.into_iter().enumerate() {
                match block {
                    an::ToolResultBlock::Text { text } => texts.push(text),
                    an::ToolResultBlock::Image { source: _ } => {
                        return Err(Error::invalid(
                            format!("{field}.content[{k}]"),
                            "images in tool results are not supported; send the image in a user block",
                        ));
                    }
                }
            }
            Ok(texts.join("\n"))
        }
    }
}

/// An image source as the URL the core takes: a data URL, or an http(s) or s3 URL.
fn image_url(field: &str, source: an::ImageSource) -> Result<String> {
    match source {
        an::ImageSource::Base64 { media_type, data } => Ok(format!("data:{media_type};base64,{data}")),
        an::ImageSource::Url { url } => Ok(url),
        an::ImageSource::File { file_id: _ } => Err(Error::invalid(
            format!("{field}.source"),
            "Anthropic's Files API has no counterpart on Bedrock; send the image as base64",
        )),
    }
}

/// A document source as the core's document source, and its format when the source says it.
fn document_source(
    field: &str,
    source: an::DocumentSource,
) -> Result<(api::document::Source, Option<String>)> {
    let refused = |why: &str| Err(Error::invalid(format!("{field}.source"), why.to_owned()));
    match source {
        an::DocumentSource::Base64 { media_type, data } => {
            Ok((api::document::Source::Url(format!("data:{media_type};base64,{data}")), None))
        }
        an::DocumentSource::Text { media_type: _, data } => {
            Ok((api::document::Source::Data(data.into_bytes()), Some("txt".to_owned())))
        }
        an::DocumentSource::Url { url } if url.starts_with("s3://") => {
            Ok((api::document::Source::Url(url), None))
        }
        an::DocumentSource::Url { url: _ } => refused(
            "documents by URL must be s3:// locations (Bedrock reads them); send other documents as base64",
        ),
        an::DocumentSource::Content { content: _ } => {
            refused("custom content documents are not supported; send text or a file as base64")
        }
        an::DocumentSource::File { file_id: _ } => {
            refused("Anthropic's Files API has no counterpart on Bedrock; send the document as base64")
        }
    }
}

/// An assistant turn as one message: text parts, tool calls, and reasoning blocks placed by the
/// number of tool calls before them.
fn assistant_turn(i: usize, blocks: Vec<an::InputBlock>) -> Result<api::Message> {
    let mut parts = Vec::new();
    let mut tool_calls = Vec::new();
    let mut thinking_blocks = Vec::new();
    let mut marker = None;
    for (j, block) in blocks.into_iter().enumerate() {
        let before = Some(tool_calls.len() as u32).filter(|n| *n > 0);
        match block {
            an::InputBlock::Text { text, cache_control, citations: _ } => {
                parts.push(text_part(text, cache_control))
            }
            an::InputBlock::ToolUse { id, name, input, cache_control } => {
                tool_calls.push(api::ToolCall {
                    id,
                    r#type: "function".to_owned(),
                    function: Some(api::FunctionCall { name, arguments: input.to_string() }),
                });
                if let Some(control) = cache_control {
                    // Calls come after the turn's text, so a marker on one marks the whole turn.
                    marker = Some(self::cache_control(control));
                }
            }
            an::InputBlock::Thinking { thinking, signature } => thinking_blocks.push(api::ThinkingBlock {
                r#type: "thinking".to_owned(),
                thinking: Some(thinking),
                signature: Some(signature),
                data: None,
                tool_calls_before: before,
            }),
            an::InputBlock::RedactedThinking { data } => thinking_blocks.push(api::ThinkingBlock {
                r#type: "redacted_thinking".to_owned(),
                thinking: None,
                signature: None,
                data: Some(data),
                tool_calls_before: before,
            }),
            an::InputBlock::Image { .. }
            | an::InputBlock::Document { .. }
            | an::InputBlock::ToolResult { .. } => {
                return Err(Error::invalid(
                    format!("messages[{i}].content[{j}].type"),
                    "assistant turns carry text, tool_use and thinking blocks only",
                ));
            }
        }
    }
    Ok(turns::assistant_turn(parts, tool_calls, thinking_blocks, marker))
}

fn tool(i: usize, tool: an::ToolParam) -> Result<api::Tool> {
    let an::ToolParam { kind, name, description, input_schema, cache_control } = tool;
    if let Some(kind) = kind.filter(|k| k != "custom") {
        return Err(Error::invalid(
            format!("tools[{i}].type"),
            format!("{kind:?} is an Anthropic-hosted tool, which Bedrock does not run; define a custom tool"),
        ));
    }
    let schema = input_schema.unwrap_or_else(|| serde_json::json!({ "type": "object" }));
    Ok(api::Tool {
        r#type: "function".to_owned(),
        function: Some(api::FunctionDefinition {
            name,
            description,
            parameters: None,
            strict: None,
            parameters_json: Some(schema.to_string()),
        }),
        cache_control: cache_control.map(self::cache_control),
    })
}

/// Anthropic's tool choice, and the parallel-calls switch it carries.
fn tool_choice(choice: an::ToolChoiceParam) -> (api::ToolChoice, Option<bool>) {
    use api::tool_choice::Choice;
    let parallel = |disable: Option<bool>| disable.map(|d| !d);
    let (choice, parallel) = match choice {
        an::ToolChoiceParam::Auto { disable_parallel_tool_use } => {
            (Choice::Mode("auto".to_owned()), parallel(disable_parallel_tool_use))
        }
        an::ToolChoiceParam::Any { disable_parallel_tool_use } => {
            (Choice::Mode("required".to_owned()), parallel(disable_parallel_tool_use))
        }
        an::ToolChoiceParam::Tool { name, disable_parallel_tool_use } => {
            (Choice::Function(api::NamedToolChoice { name }), parallel(disable_parallel_tool_use))
        }
        an::ToolChoiceParam::None => (Choice::Mode("none".to_owned()), None),
    };
    (api::ToolChoice { choice: Some(choice) }, parallel)
}

/// Anthropic's stop reason for Bedrock's.
pub fn stop_reason(bedrock: Option<&str>, finish_reason: &str) -> &'static str {
    match (bedrock, finish_reason) {
        (Some("stop_sequence"), _) => "stop_sequence",
        (Some("max_tokens" | "model_context_window_exceeded"), _) | (None, "length") => "max_tokens",
        (Some("tool_use"), _) | (None, "tool_calls") => "tool_use",
        (Some("guardrail_intervened" | "content_filtered"), _) | (None, "content_filter") => "refusal",
        _ => "end_turn",
    }
}

/// The stop sequence that ended an answer: the one Bedrock names (Claude's own response says,
/// when asked), else the request's only one.
pub fn stop_sequence(stop_reason: &str, named: Option<String>, stop: &[String]) -> Option<String> {
    if stop_reason != "stop_sequence" {
        return None;
    }
    match stop {
        _ if named.is_some() => named,
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// Anthropic's usage for the core's: its `input_tokens` leaves the cached tokens out.
pub fn usage(usage: Option<&api::Usage>) -> an::AnthropicUsage {
    let Some(api::Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: _,
        cache_read_tokens,
        cache_write_tokens,
    }) = usage
    else {
        return an::AnthropicUsage::default();
    };
    let read = cache_read_tokens.unwrap_or(0);
    let write = cache_write_tokens.unwrap_or(0);
    an::AnthropicUsage {
        input_tokens: prompt_tokens.saturating_sub(read).saturating_sub(write),
        output_tokens: *completion_tokens,
        cache_creation_input_tokens: write,
        cache_read_input_tokens: read,
    }
}

/// The core's answer as Anthropic's message. `model` is the name the request used; `stop` its stop
/// sequences.
pub fn message(response: api::ChatCompletionResponse, stop: &[String]) -> an::Message {
    let api::ChatCompletionResponse {
        id,
        object: _,
        created: _,
        model,
        choices,
        usage,
        service_tier: _, // Anthropic's `usage.service_tier` names Anthropic's tiers, not Bedrock's
        guardrail_trace_json: _, // no Anthropic field; the OpenAI door and gRPC carry it
    } = response;
    let api::Choice { index: _, message, finish_reason, stop_reason, stop_sequence } =
        choices.into_iter().next().unwrap_or_default();
    let stop_reason = self::stop_reason(stop_reason.as_deref(), &finish_reason);
    an::Message {
        id: message_id(&id),
        kind: "message",
        role: "assistant",
        model,
        content: blocks(message.unwrap_or_default()),
        stop_reason: Some(stop_reason),
        stop_sequence: self::stop_sequence(stop_reason, stop_sequence, stop),
        usage: self::usage(usage.as_ref()),
    }
}

/// Anthropic's message id for the core's completion id.
pub fn message_id(completion_id: &str) -> String {
    format!("msg_{}", completion_id.strip_prefix("chatcmpl-").unwrap_or(completion_id))
}

/// An answer's blocks in the model's order ([`blocks::answer_blocks`]) as Anthropic's.
fn blocks(message: api::Message) -> Vec<an::OutputBlock> {
    blocks::answer_blocks(message)
        .into_iter()
        .map(|block| match block {
            AnswerBlock::Thinking { thinking, signature } => {
                an::OutputBlock::Thinking { thinking, signature }
            }
            AnswerBlock::RedactedThinking { data } => an::OutputBlock::RedactedThinking { data },
            AnswerBlock::Text { text, citations } => {
                let citations =
                    (!citations.is_empty()).then(|| citations.into_iter().map(citation).collect());
                an::OutputBlock::Text { text, citations }
            }
            AnswerBlock::ToolUse { id, name, input } => an::OutputBlock::ToolUse { id, name, input },
        })
        .collect()
}

/// A citation as Anthropic's, by its location kind.
pub fn citation(citation: api::Citation) -> an::AnthropicCitation {
    let api::Citation { title, document_index, cited_text, location_type, start, end, source: _ } = citation;
    let mut cited = an::AnthropicCitation {
        kind: "char_location",
        cited_text,
        document_index: document_index.unwrap_or(0),
        document_title: (!title.is_empty()).then_some(title),
        start_char_index: None,
        end_char_index: None,
        start_page_number: None,
        end_page_number: None,
        start_block_index: None,
        end_block_index: None,
    };
    match location_type.as_str() {
        "document_page" => {
            cited.kind = "page_location";
            (cited.start_page_number, cited.end_page_number) = (start, end);
        }
        "document_chunk" => {
            cited.kind = "content_block_location";
            (cited.start_block_index, cited.end_block_index) = (start, end);
        }
        _ => (cited.start_char_index, cited.end_char_index) = (start, end),
    }
    cited
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<(api::ChatCompletionRequest, bool)> {
        request(crate::rest::body::parse(json.to_string().as_bytes())?)
    }

    #[test]
    fn a_tool_loop_becomes_tool_messages_and_reasoning_in_place() {
        let (proto, stream) = parse(serde_json::json!({
            "model": "claude-sonnet-4-0", "max_tokens": 2048, "stream": true, "top_k": 5,
            "system": [{"type": "text", "text": "Be brief", "cache_control": {"type": "ephemeral"}}],
            "metadata": {"user_id": "u-1"},
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "need weather", "signature": "sig"},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "18C"}], "is_error": true},
                    {"type": "text", "text": "and tomorrow?"}]}
            ],
            "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
            "tool_choice": {"type": "any", "disable_parallel_tool_use": true}
        }))
        .unwrap();
        assert!(stream);
        let roles: Vec<&str> = proto.messages.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["system", "user", "assistant", "tool", "user"]);
        let assistant = &proto.messages[2];
        assert_eq!(assistant.tool_calls[0].function.as_ref().unwrap().arguments, r#"{"city":"Paris"}"#);
        assert_eq!(assistant.thinking_blocks[0].signature.as_deref(), Some("sig"));
        assert_eq!(assistant.thinking_blocks[0].tool_calls_before, None, "before the call");
        let tool = &proto.messages[3];
        assert_eq!((tool.tool_call_id.as_deref(), tool.tool_error), (Some("toolu_1"), Some(true)));
        assert_eq!(tool.content, Some(api::message::Content::Text("18C".into())));
        assert_eq!(proto.additional_model_request_fields_json.as_deref(), Some(r#"{"top_k":5}"#));
        assert_eq!(proto.user.as_deref(), Some("u-1"));
        assert_eq!(proto.parallel_tool_calls, Some(false));
        assert_eq!(
            proto.tool_choice.unwrap().choice,
            Some(api::tool_choice::Choice::Mode("required".into()))
        );
        assert!(proto.stream_options.unwrap().include_usage, "the stream's last event carries usage");
    }

    #[test]
    fn refusals_name_anthropics_fields() {
        let base = |messages: serde_json::Value| serde_json::json!({"model": "m", "max_tokens": 10, "messages": messages});
        let cases = [
            (base(serde_json::json!([{"role": "system", "content": "x"}])), "messages[0].role"),
            (
                base(
                    serde_json::json!([{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "f"}}]}]),
                ),
                "messages[0].content[0].source",
            ),
            (
                base(
                    serde_json::json!([{"role": "user", "content": [{"type": "tool_use", "id": "a", "name": "b", "input": {}}]}]),
                ),
                "messages[0].content[0].type",
            ),
            (base(serde_json::json!([{"role": "user", "content": []}])), "messages[0].content"),
            (serde_json::json!({"model": "m", "messages": []}), "max_tokens"),
        ];
        for (body, field) in cases {
            let error = parse(body.clone()).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field), "{body}: {}", error.message);
        }
        let hosted = serde_json::json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}],
            "tools": [{"type": "web_search_20250305", "name": "web_search"}]});
        assert_eq!(parse(hosted).unwrap_err().field.as_deref(), Some("tools[0].type"));
    }

    #[test]
    fn an_answer_keeps_the_models_order_and_anthropics_usage() {
        let thinking = |text: &str, before| api::ThinkingBlock {
            r#type: "thinking".into(),
            thinking: Some(text.into()),
            signature: Some("s".into()),
            tool_calls_before: before,
            ..Default::default()
        };
        let call = |id: &str| api::ToolCall {
            id: id.into(),
            r#type: "function".into(),
            function: Some(api::FunctionCall { name: "f".into(), arguments: "{\"a\":1}".into() }),
        };
        let response = api::ChatCompletionResponse {
            id: "chatcmpl-abc".into(),
            model: "claude-sonnet-4-0".into(),
            choices: vec![api::Choice {
                index: 0,
                message: Some(api::Message {
                    role: "assistant".into(),
                    content: Some(api::message::Content::Text("Checking".into())),
                    tool_calls: vec![call("t1"), call("t2")],
                    thinking_blocks: vec![thinking("first", None), thinking("between", Some(1))],
                    ..Default::default()
                }),
                finish_reason: "tool_calls".into(),
                stop_reason: Some("tool_use".into()),
                stop_sequence: None,
            }],
            usage: Some(api::Usage {
                prompt_tokens: 1500,
                completion_tokens: 20,
                total_tokens: 1520,
                cache_read_tokens: Some(1200),
                cache_write_tokens: Some(0),
            }),
            ..Default::default()
        };
        let message = serde_json::to_value(message(response, &[])).unwrap();
        let kinds: Vec<&str> =
            message["content"].as_array().unwrap().iter().map(|b| b["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["thinking", "text", "tool_use", "thinking", "tool_use"]);
        assert_eq!(message["content"][2]["input"], serde_json::json!({"a": 1}));
        assert_eq!(message["id"], "msg_abc");
        assert_eq!(message["stop_reason"], "tool_use");
        assert_eq!(
            message["usage"],
            serde_json::json!({"input_tokens": 300, "output_tokens": 20, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1200})
        );
    }

    #[test]
    fn stop_reasons_follow_bedrocks() {
        assert_eq!(stop_reason(Some("stop_sequence"), "stop"), "stop_sequence");
        assert_eq!(stop_reason(Some("end_turn"), "stop"), "end_turn");
        assert_eq!(stop_reason(Some("model_context_window_exceeded"), "length"), "max_tokens");
        assert_eq!(stop_reason(Some("guardrail_intervened"), "content_filter"), "refusal");
        assert_eq!(stop_reason(None, "tool_calls"), "tool_use");
        let two = ["A".to_owned(), "B".to_owned()];
        assert_eq!(stop_sequence("stop_sequence", Some("B".into()), &two), Some("B".into()));
        assert_eq!(stop_sequence("stop_sequence", None, &["END".into()]), Some("END".into()));
        assert_eq!(stop_sequence("stop_sequence", None, &two), None, "unknown when Bedrock does not say");
        assert_eq!(stop_sequence("end_turn", Some("B".into()), &two), None);
    }
}
