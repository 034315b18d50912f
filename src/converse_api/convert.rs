//! Bedrock's Converse request onto the proto request the core speaks, and the core's answer back
//! as Converse's response. Conversions destructure whole structs, so a field added on either side
//! breaks the build until its meaning is decided here.
//!
//! The shapes differ in a few places, each mapped here:
//! - the system prompt is a field, not a turn: it becomes the first (system) message;
//! - a `cachePoint` block marks the block before it (the core's `cache_control`);
//! - a user turn's `toolResult` blocks become tool messages before the turn's other blocks;
//! - an assistant turn's blocks become content, tool calls and reasoning blocks, the reasoning
//!   placed among the tool calls by `tool_calls_before`, so the replay keeps the model's order;
//! - usage: Converse's `inputTokens` leaves the cached tokens out, the core's `prompt_tokens` not.
//!
//! Errors found here name Converse's fields (`messages[1].content[0].image.source`); the core's
//! rules, checked after, name the proto's.

use super::wire as cv;
use crate::chat::blocks::{self, AnswerBlock};
use crate::chat::turns::{self, text_part};
use crate::error::{Error, Result};
use crate::proto::v1 as api;
use base64::Engine as _;
use serde_json::{Value, json};

/// A Converse request for `model` as the proto request.
pub fn request(model: String, request: cv::ConverseRequest) -> Result<api::ChatCompletionRequest> {
    let cv::ConverseRequest {
        messages: turns,
        system,
        inference_config,
        tool_config,
        guardrail_config,
        additional_model_request_fields,
        additional_model_response_field_paths,
        prompt_variables,
        request_metadata,
        performance_config,
        service_tier,
    } = request;
    if additional_model_response_field_paths.as_ref().is_some_and(|paths| !paths.is_empty()) {
        return Err(Error::invalid(
            "additionalModelResponseFieldPaths",
            "is not supported: the gateway asks Bedrock for the response fields it maps itself",
        ));
    }
    if prompt_variables.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(Error::invalid(
            "promptVariables",
            "is not supported: this door serves models, not Prompt Management prompts",
        ));
    }
    let mut messages = Vec::with_capacity(turns.len() + 1);
    if !system.is_empty() {
        messages.push(system_message(system)?);
    }
    for (i, turn) in turns.into_iter().enumerate() {
        messages.extend(self::turn(i, turn)?);
    }
    let cv::InferenceConfig { max_tokens, temperature, top_p, stop_sequences } =
        inference_config.unwrap_or(cv::InferenceConfig {
            max_tokens: None,
            temperature: None,
            top_p: None,
            stop_sequences: None,
        });
    let (tools, tool_choice) = match tool_config {
        None => (Vec::new(), None),
        Some(cv::ToolConfig { tools, tool_choice }) => {
            (self::tools(tools)?, tool_choice.map(self::tool_choice))
        }
    };
    let additional_model_request_fields_json = match additional_model_request_fields {
        None | Some(Value::Null) => None,
        Some(fields @ Value::Object(_)) => Some(fields.to_string()),
        Some(_) => {
            return Err(Error::invalid("additionalModelRequestFields", "must be a JSON object"));
        }
    };
    Ok(api::ChatCompletionRequest {
        model,
        messages,
        max_tokens,
        max_completion_tokens: None,
        temperature,
        top_p,
        stop: stop_sequences.unwrap_or_default(),
        tools,
        tool_choice,
        user: None,
        n: None,
        logprobs: None,
        top_logprobs: None,
        // The stream's `metadata` event carries the usage; the core sends it only when asked.
        stream_options: Some(api::StreamOptions { include_usage: true }),
        additional_model_request_fields: None,
        additional_model_request_fields_json,
        guardrail_config: guardrail_config.map(guardrail).transpose()?,
        parallel_tool_calls: None,
        service_tier: service_tier.map(|cv::ConverseServiceTier { kind }| kind),
        metadata: request_metadata.unwrap_or_default().into_iter().collect(),
        store: None,
        reasoning_effort: None,
        // Claude's `thinking` comes in additionalModelRequestFields, as on Bedrock.
        thinking: None,
        response_format: None,
        prompt_cache: None,
        citations: None,
        performance_config: performance_config
            .map(|cv::ConversePerformanceConfig { latency }| api::PerformanceConfig { latency }),
    })
}

fn guardrail(config: cv::ConverseGuardrailConfig) -> Result<api::GuardrailConfig> {
    let cv::ConverseGuardrailConfig {
        guardrail_identifier,
        guardrail_version,
        trace,
        stream_processing_mode,
    } = config;
    if let Some(mode) = stream_processing_mode.filter(|mode| mode != "sync") {
        return Err(Error::invalid(
            "guardrailConfig.streamProcessingMode",
            format!("{mode:?} is not supported; the gateway checks streams as they go (\"sync\")"),
        ));
    }
    Ok(api::GuardrailConfig { guardrail_identifier, guardrail_version, trace })
}

fn cache_control(point: cv::CachePoint) -> api::CacheControl {
    let cv::CachePoint { kind, ttl } = point;
    // Converse's `default` is the one kind of checkpoint; the core calls it Anthropic's way.
    let kind = if kind == "default" { "ephemeral".to_owned() } else { kind };
    api::CacheControl { r#type: kind, ttl }
}

/// A cache point needs a block before it to mark.
fn mark(field: String, target: Option<&mut Option<api::CacheControl>>, point: cv::CachePoint) -> Result<()> {
    match target {
        Some(slot) => {
            *slot = Some(cache_control(point));
            Ok(())
        }
        None => Err(Error::invalid(field, "a cachePoint must follow the block it marks")),
    }
}

fn system_message(system: Vec<cv::SystemBlock>) -> Result<api::Message> {
    let mut parts: Vec<api::ContentPart> = Vec::with_capacity(system.len());
    for (i, block) in system.into_iter().enumerate() {
        match block {
            cv::SystemBlock::Text(text) => parts.push(text_part(text)),
            cv::SystemBlock::CachePoint(point) => mark(
                format!("system[{i}].cachePoint"),
                parts.last_mut().map(|p| &mut p.cache_control),
                point,
            )?,
            cv::SystemBlock::GuardContent(_) => return Err(guard_content(format!("system[{i}]"))),
        }
    }
    Ok(api::Message {
        role: "system".to_owned(),
        content: Some(api::message::Content::Parts(api::ContentParts { parts })),
        ..Default::default()
    })
}

fn guard_content(field: String) -> Error {
    Error::invalid(
        format!("{field}.guardContent"),
        "is not supported: apply a guardrail to the whole call with guardrailConfig",
    )
}

/// One turn as one or more proto messages.
fn turn(i: usize, turn: cv::ConverseMessage) -> Result<Vec<api::Message>> {
    let cv::ConverseMessage { role, content } = turn;
    match role.as_str() {
        "user" => user_turn(i, content),
        "assistant" => Ok(vec![assistant_turn(i, content)?]),
        _ => Err(Error::invalid(
            format!("messages[{i}].role"),
            format!(
                "{role:?} is not a role here; use \"user\" or \"assistant\" (the system prompt is the `system` field)"
            ),
        )),
    }
}

/// A user turn: its tool results as tool messages (first, as Bedrock wants them), then a user
/// message with the other blocks.
fn user_turn(i: usize, blocks: Vec<cv::ContentBlock>) -> Result<Vec<api::Message>> {
    let mut results: Vec<api::Message> = Vec::new();
    let mut parts: Vec<api::ContentPart> = Vec::new();
    // What a cache point marks: the latest block, a part or a tool result.
    let mut last_was_result = false;
    for (j, block) in blocks.into_iter().enumerate() {
        let field = format!("messages[{i}].content[{j}]");
        match block {
            cv::ContentBlock::Text(text) => parts.push(text_part(text)),
            cv::ContentBlock::Image(image) => parts.push(api::ContentPart {
                part: Some(api::content_part::Part::ImageUrl(api::ImageUrl {
                    url: image_url(&format!("{field}.image"), image)?,
                    detail: None,
                })),
                cache_control: None,
            }),
            cv::ContentBlock::Document(document) => parts.push(api::ContentPart {
                part: Some(api::content_part::Part::Document(self::document(
                    &format!("{field}.document"),
                    document,
                )?)),
                cache_control: None,
            }),
            cv::ContentBlock::ToolResult(result) => {
                results.push(tool_result(&format!("{field}.toolResult"), result)?);
                last_was_result = true;
                continue;
            }
            cv::ContentBlock::CachePoint(point) => {
                let target = if last_was_result {
                    results.last_mut().map(|m| &mut m.cache_control)
                } else {
                    parts.last_mut().map(|p| &mut p.cache_control)
                };
                mark(format!("{field}.cachePoint"), target, point)?;
                continue;
            }
            cv::ContentBlock::GuardContent(_) => return Err(guard_content(field)),
            cv::ContentBlock::Video(_) => {
                return Err(Error::invalid(format!("{field}.video"), "video input is not supported"));
            }
            cv::ContentBlock::ToolUse(_)
            | cv::ContentBlock::ReasoningContent(_)
            | cv::ContentBlock::CitationsContent(_) => {
                return Err(Error::invalid(
                    field,
                    "only assistant turns carry toolUse, reasoningContent and citationsContent blocks",
                ));
            }
        }
        last_was_result = false;
    }
    turns::user_turn(i, results, parts)
}

fn tool_result(field: &str, result: cv::ToolResultBlock) -> Result<api::Message> {
    let cv::ToolResultBlock { tool_use_id, content, status } = result;
    let failed = match status.as_deref() {
        None | Some("success") => None,
        Some("error") => Some(true),
        Some(other) => {
            return Err(Error::invalid(
                format!("{field}.status"),
                format!("{other:?} is not a status; use \"success\" or \"error\""),
            ));
        }
    };
    let mut texts = Vec::with_capacity(content.len());
    for (k, block) in content.into_iter().enumerate() {
        match block {
            cv::ToolResultContent::Text(text) => texts.push(text),
            cv::ToolResultContent::Json(value) => texts.push(value.to_string()),
            cv::ToolResultContent::Image(_) | cv::ToolResultContent::Document(_) => {
                return Err(Error::invalid(
                    format!("{field}.content[{k}]"),
                    "images and documents in tool results are not supported; send them in a user block",
                ));
            }
        }
    }
    Ok(api::Message {
        role: "tool".to_owned(),
        content: Some(api::message::Content::Text(texts.join("\n"))),
        tool_call_id: Some(tool_use_id),
        tool_error: failed,
        ..Default::default()
    })
}

/// An image as the URL the core takes: a data URL of its bytes, or its `s3://` location.
fn image_url(field: &str, image: cv::ImageBlock) -> Result<String> {
    let cv::ImageBlock { format, source } = image;
    match source {
        cv::MediaSource::Bytes(data) => Ok(format!("data:image/{format};base64,{data}")),
        cv::MediaSource::S3Location(location) => s3_uri(&format!("{field}.source.s3Location"), location),
        cv::MediaSource::Text(_) | cv::MediaSource::Content(_) => {
            Err(Error::invalid(format!("{field}.source"), "an image's source is bytes or an s3Location"))
        }
    }
}

fn s3_uri(field: &str, location: cv::S3Location) -> Result<String> {
    let cv::S3Location { uri, bucket_owner } = location;
    if bucket_owner.is_some() {
        return Err(Error::invalid(
            format!("{field}.bucketOwner"),
            "is set by the gateway (--s3-bucket-owner), not by callers",
        ));
    }
    Ok(uri)
}

fn document(field: &str, document: cv::DocumentBlock) -> Result<api::Document> {
    let cv::DocumentBlock { format, name, source, context, citations } = document;
    let source = match source {
        cv::MediaSource::Bytes(data) => {
            let bytes = base64::engine::general_purpose::STANDARD.decode(data.as_bytes()).map_err(|e| {
                Error::invalid(format!("{field}.source.bytes"), format!("is not base64: {e}"))
            })?;
            api::document::Source::Data(bytes)
        }
        cv::MediaSource::Text(text) => api::document::Source::Data(text.into_bytes()),
        cv::MediaSource::S3Location(location) => {
            api::document::Source::Url(s3_uri(&format!("{field}.source.s3Location"), location)?)
        }
        cv::MediaSource::Content(_) => {
            return Err(Error::invalid(
                format!("{field}.source.content"),
                "structured document content is not supported; send text or bytes",
            ));
        }
    };
    let format = match (&source, format) {
        (_, Some(format)) => Some(format),
        (api::document::Source::Data(_), None) => Some("txt".to_owned()),
        (_, None) => None,
    };
    Ok(api::Document {
        source: Some(source),
        format,
        filename: Some(name),
        citations: citations.map(|cv::CitationsConfig { enabled }| enabled),
        context,
    })
}

/// An assistant turn as one message: text parts, tool calls, and reasoning blocks placed by the
/// number of tool calls before them.
fn assistant_turn(i: usize, blocks: Vec<cv::ContentBlock>) -> Result<api::Message> {
    let mut parts: Vec<api::ContentPart> = Vec::new();
    let mut tool_calls = Vec::new();
    let mut thinking_blocks = Vec::new();
    let mut marker = None;
    let mut last_was_call = false;
    for (j, block) in blocks.into_iter().enumerate() {
        let field = format!("messages[{i}].content[{j}]");
        let before = Some(tool_calls.len() as u32).filter(|n| *n > 0);
        match block {
            cv::ContentBlock::Text(text) => parts.push(text_part(text)),
            cv::ContentBlock::CitationsContent(cv::CitationsContentBlock { content, citations: _ }) => {
                let text: String = content.into_iter().map(|cv::CitedText { text }| text).collect();
                parts.push(text_part(text));
            }
            cv::ContentBlock::ToolUse(cv::ToolUseBlock { tool_use_id, name, input }) => {
                tool_calls.push(api::ToolCall {
                    id: tool_use_id,
                    r#type: "function".to_owned(),
                    function: Some(api::FunctionCall { name, arguments: input.to_string() }),
                });
                last_was_call = true;
                continue;
            }
            cv::ContentBlock::ReasoningContent(reasoning) => {
                thinking_blocks.push(match reasoning {
                    cv::ReasoningBlock::ReasoningText(cv::ReasoningText { text, signature }) => {
                        api::ThinkingBlock {
                            r#type: "thinking".to_owned(),
                            thinking: Some(text),
                            signature,
                            data: None,
                            tool_calls_before: before,
                        }
                    }
                    cv::ReasoningBlock::RedactedContent(data) => api::ThinkingBlock {
                        r#type: "redacted_thinking".to_owned(),
                        thinking: None,
                        signature: None,
                        data: Some(data),
                        tool_calls_before: before,
                    },
                });
            }
            cv::ContentBlock::CachePoint(point) => {
                if last_was_call {
                    // Calls come after the turn's text, so a point after one marks the whole turn.
                    marker = Some(cache_control(point));
                } else {
                    mark(
                        format!("{field}.cachePoint"),
                        parts.last_mut().map(|p| &mut p.cache_control),
                        point,
                    )?;
                }
                continue;
            }
            cv::ContentBlock::Image(_)
            | cv::ContentBlock::Document(_)
            | cv::ContentBlock::ToolResult(_)
            | cv::ContentBlock::GuardContent(_)
            | cv::ContentBlock::Video(_) => {
                return Err(Error::invalid(
                    field,
                    "assistant turns carry text, toolUse, reasoningContent and citationsContent blocks only",
                ));
            }
        }
        last_was_call = false;
    }
    Ok(turns::assistant_turn(parts, tool_calls, thinking_blocks, marker))
}

fn tools(entries: Vec<cv::ToolEntry>) -> Result<Vec<api::Tool>> {
    let mut tools: Vec<api::Tool> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        match entry {
            cv::ToolEntry::ToolSpec(cv::ToolSpec { name, description, input_schema, strict }) => {
                let cv::InputSchema::Json(schema) = input_schema;
                tools.push(api::Tool {
                    r#type: "function".to_owned(),
                    function: Some(api::FunctionDefinition {
                        name,
                        description,
                        parameters: None,
                        strict,
                        parameters_json: Some(schema.to_string()),
                    }),
                    cache_control: None,
                });
            }
            cv::ToolEntry::CachePoint(point) => mark(
                format!("toolConfig.tools[{i}].cachePoint"),
                tools.last_mut().map(|t| &mut t.cache_control),
                point,
            )?,
            cv::ToolEntry::SystemTool(_) => {
                return Err(Error::invalid(
                    format!("toolConfig.tools[{i}].systemTool"),
                    "Bedrock's system tools are not supported; define a toolSpec",
                ));
            }
        }
    }
    Ok(tools)
}

fn tool_choice(choice: cv::ConverseToolChoice) -> api::ToolChoice {
    use api::tool_choice::Choice;
    let choice = match choice {
        cv::ConverseToolChoice::Auto(_) => Choice::Mode("auto".to_owned()),
        cv::ConverseToolChoice::Any(_) => Choice::Mode("required".to_owned()),
        cv::ConverseToolChoice::Tool(cv::NamedTool { name }) => {
            Choice::Function(api::NamedToolChoice { name })
        }
    };
    api::ToolChoice { choice: Some(choice) }
}

/// Converse's stop reason: Bedrock's own when the core kept it, else from the finish reason.
pub fn stop_reason(bedrock: Option<String>, finish_reason: &str) -> String {
    bedrock.unwrap_or_else(|| {
        match finish_reason {
            "length" => "max_tokens",
            "tool_calls" => "tool_use",
            "content_filter" => "content_filtered",
            _ => "end_turn",
        }
        .to_owned()
    })
}

/// Converse's usage for the core's: its `inputTokens` leaves the cached tokens out.
pub fn usage(usage: Option<&api::Usage>) -> Value {
    let Some(api::Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens,
        cache_read_tokens,
        cache_write_tokens,
    }) = usage
    else {
        return json!({"inputTokens": 0, "outputTokens": 0, "totalTokens": 0});
    };
    let read = cache_read_tokens.unwrap_or(0);
    let write = cache_write_tokens.unwrap_or(0);
    let mut usage = json!({
        "inputTokens": prompt_tokens.saturating_sub(read).saturating_sub(write),
        "outputTokens": completion_tokens,
        "totalTokens": total_tokens,
    });
    if let Some(read) = cache_read_tokens {
        usage["cacheReadInputTokens"] = json!(read);
    }
    if let Some(write) = cache_write_tokens {
        usage["cacheWriteInputTokens"] = json!(write);
    }
    usage
}

/// The guardrail trace as Converse's `trace`, when the core has one.
pub fn trace(guardrail_trace_json: Option<String>) -> Option<Value> {
    let guardrail: Value = serde_json::from_str(&guardrail_trace_json?).ok()?;
    Some(json!({ "guardrail": guardrail }))
}

/// The core's answer as Converse's response; `latency_ms` is the gateway's time to answer.
pub fn response(response: api::ChatCompletionResponse, latency_ms: u64) -> cv::ConverseResponse {
    let api::ChatCompletionResponse {
        id: _, // Converse answers carry no id; the request id is in x-amzn-RequestId
        object: _,
        created: _,
        model: _,
        choices,
        usage,
        service_tier,
        guardrail_trace_json,
    } = response;
    let api::Choice { index: _, message, finish_reason, stop_reason, stop_sequence: _ } =
        choices.into_iter().next().unwrap_or_default();
    let content: Vec<Value> =
        blocks::answer_blocks(message.unwrap_or_default()).into_iter().map(block).collect();
    cv::ConverseResponse {
        output: json!({"message": {"role": "assistant", "content": content}}),
        stop_reason: self::stop_reason(stop_reason, &finish_reason),
        usage: self::usage(usage.as_ref()),
        metrics: json!({ "latencyMs": latency_ms }),
        service_tier: service_tier.map(|tier| json!({ "type": tier })),
        trace: trace(guardrail_trace_json),
    }
}

/// An answer block in Converse's words.
fn block(block: AnswerBlock) -> Value {
    match block {
        AnswerBlock::Thinking { thinking, signature } => {
            json!({"reasoningContent": {"reasoningText": {"text": thinking, "signature": signature}}})
        }
        AnswerBlock::RedactedThinking { data } => json!({"reasoningContent": {"redactedContent": data}}),
        AnswerBlock::Text { text, citations } if citations.is_empty() => json!({ "text": text }),
        AnswerBlock::Text { text, citations } => json!({"citationsContent": {
            "content": [{"text": text}],
            "citations": citations.into_iter().map(citation).collect::<Vec<_>>(),
        }}),
        AnswerBlock::ToolUse { id, name, input } => {
            json!({"toolUse": {"toolUseId": id, "name": name, "input": input}})
        }
    }
}

/// A citation in Converse's words: its source text, title and location by kind.
pub fn citation(citation: api::Citation) -> Value {
    let api::Citation { title, document_index, cited_text, location_type, start, end, source } = citation;
    let kind = match location_type.as_str() {
        "document_page" => "documentPage",
        "document_chunk" => "documentChunk",
        _ => "documentChar",
    };
    let mut cited = json!({
        "title": title,
        "sourceContent": [{"text": cited_text}],
        "location": {kind: {"documentIndex": document_index.unwrap_or(0), "start": start, "end": end}},
    });
    if let Some(source) = source {
        cited["source"] = json!(source);
    }
    cited
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value) -> cv::ConverseRequest {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn cache_points_mark_the_block_before_them() {
        let body = json!({
            "system": [{"text": "rules"}, {"cachePoint": {"type": "default"}}],
            "messages": [{"role": "user", "content": [{"text": "hi"}, {"cachePoint": {"type": "default", "ttl": "1h"}}]}],
            "toolConfig": {"tools": [
                {"toolSpec": {"name": "f", "inputSchema": {"json": {"type": "object"}}}},
                {"cachePoint": {"type": "default"}}
            ]},
        });
        let proto = request("m".into(), parse(body)).unwrap();
        let api::message::Content::Parts(system) = proto.messages[0].content.clone().unwrap() else {
            panic!()
        };
        assert_eq!(system.parts[0].cache_control.as_ref().unwrap().r#type, "ephemeral");
        let api::message::Content::Parts(user) = proto.messages[1].content.clone().unwrap() else { panic!() };
        assert_eq!(user.parts[0].cache_control.as_ref().unwrap().ttl.as_deref(), Some("1h"));
        assert!(proto.tools[0].cache_control.is_some());
    }

    #[test]
    fn a_leading_cache_point_is_refused_by_its_field() {
        let body = json!({"messages": [{"role": "user", "content": [{"cachePoint": {"type": "default"}}]}]});
        let error = request("m".into(), parse(body)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("messages[0].content[0].cachePoint"));
    }

    #[test]
    fn tool_results_come_first_and_keep_their_status() {
        let body = json!({"messages": [
            {"role": "user", "content": [{"text": "weather?"}]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "look it up", "signature": "sig"}}},
                {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Paris"}}}
            ]},
            {"role": "user", "content": [
                {"text": "and quickly"},
                {"toolResult": {"toolUseId": "t1", "content": [{"json": {"c": 21}}], "status": "error"}}
            ]}
        ]});
        let proto = request("m".into(), parse(body)).unwrap();
        let roles: Vec<&str> = proto.messages.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["user", "assistant", "tool", "user"]);
        assert_eq!(proto.messages[1].thinking_blocks[0].signature.as_deref(), Some("sig"));
        assert_eq!(proto.messages[2].tool_error, Some(true));
        assert_eq!(proto.messages[2].content, Some(api::message::Content::Text("{\"c\":21}".into())));
    }

    #[test]
    fn unknown_fields_and_unsupported_blocks_are_named() {
        let unknown: std::result::Result<cv::ConverseRequest, _> =
            serde_json::from_value(json!({"messages": [], "inferenceConfig": {"maxTokens": 1, "topK": 3}}));
        assert!(unknown.unwrap_err().to_string().contains("topK"));
        let body = json!({"messages": [{"role": "user", "content": [{"video": {}}]}]});
        let error = request("m".into(), parse(body)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("messages[0].content[0].video"));
    }

    #[test]
    fn usage_leaves_cached_tokens_out_of_input_tokens() {
        let usage = usage(Some(&api::Usage {
            prompt_tokens: 14,
            completion_tokens: 5,
            total_tokens: 19,
            cache_read_tokens: Some(4),
            cache_write_tokens: None,
        }));
        assert_eq!(
            usage,
            json!({"inputTokens": 10, "outputTokens": 5, "totalTokens": 19, "cacheReadInputTokens": 4})
        );
    }
}
