//! OpenAI JSON types to and from the proto messages the core speaks. Conversions destructure whole
//! structs, so a field added to one side and not mapped breaks the build instead of being dropped.

use super::openai as oa;
use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// An OpenAI request as the proto request, and whether it asked for a stream.
pub fn request(request: oa::ChatCompletionRequest) -> Result<(api::ChatCompletionRequest, bool)> {
    let oa::ChatCompletionRequest {
        model,
        messages,
        stream,
        stream_options,
        max_tokens,
        max_completion_tokens,
        temperature,
        top_p,
        stop,
        tools,
        tool_choice,
        parallel_tool_calls,
        user,
        service_tier,
        metadata,
        store,
        n,
        logprobs,
        top_logprobs,
        presence_penalty,
        frequency_penalty,
        seed,
        response_format,
        functions,
        function_call,
        logit_bias,
        reasoning_effort,
        modalities,
        audio,
        prediction,
        web_search_options,
        additional_model_request_fields,
        guardrail_config,
        thinking,
        prompt_cache,
        citations,
        performance_config,
    } = request;
    if logit_bias
        .as_ref()
        .is_some_and(|bias| !bias.is_null() && bias.as_object().is_none_or(|map| !map.is_empty()))
    {
        return Err(Error::invalid("logit_bias", "Bedrock's Converse API has no logit bias"));
    }
    if modalities.as_ref().is_some_and(|m| m.iter().any(|modality| modality != "text")) {
        return Err(Error::invalid(
            "modalities",
            "Bedrock's Converse API answers with text only; use [\"text\"]",
        ));
    }
    for (field, value) in
        [("audio", &audio), ("prediction", &prediction), ("web_search_options", &web_search_options)]
    {
        if value.as_ref().is_some_and(|v| !v.is_null()) {
            return Err(Error::invalid(field, "is not supported on Bedrock's Converse API"));
        }
    }
    if functions.is_some() {
        return Err(Error::invalid(
            "functions",
            "the legacy `functions` parameter is not supported; use `tools`",
        ));
    }
    if function_call.is_some() {
        return Err(Error::invalid(
            "function_call",
            "the legacy `function_call` parameter is not supported; use `tool_choice`",
        ));
    }
    for (field, value) in [("presence_penalty", presence_penalty), ("frequency_penalty", frequency_penalty)] {
        if value.is_some_and(|v| v != 0.0) {
            return Err(Error::invalid(field, "Bedrock's Converse API has no penalties; only 0 is accepted"));
        }
    }
    if seed.is_some() {
        return Err(Error::invalid("seed", "Bedrock's Converse API has no seed; leave it out"));
    }
    let stream_options = stream_options.map(|oa::StreamOptions { include_usage }| api::StreamOptions {
        include_usage: include_usage.unwrap_or(false),
    });
    let messages = messages.into_iter().enumerate().map(|(i, m)| message(i, m)).collect::<Result<_>>()?;
    let proto =
        api::ChatCompletionRequest {
            model,
            messages,
            max_tokens,
            max_completion_tokens,
            temperature,
            top_p,
            stop: match stop {
                None => Vec::new(),
                Some(oa::Stop::One(one)) => vec![one],
                Some(oa::Stop::Many(many)) => many,
            },
            tools: tools.unwrap_or_default().into_iter().map(tool).collect(),
            tool_choice: tool_choice.map(self::tool_choice).transpose()?,
            user,
            n,
            logprobs,
            top_logprobs,
            stream_options,
            // As JSON text, not a Struct: a Struct holds doubles and would round integers above 2^53.
            additional_model_request_fields: None,
            additional_model_request_fields_json: additional_model_request_fields.map(json_text),
            guardrail_config: guardrail_config.map(
                |oa::GuardrailConfig { guardrail_identifier, guardrail_version, trace }| {
                    api::GuardrailConfig { guardrail_identifier, guardrail_version, trace }
                },
            ),
            parallel_tool_calls,
            service_tier,
            metadata: metadata.unwrap_or_default(),
            store,
            reasoning_effort,
            thinking: thinking
                .map(|oa::Thinking { kind, budget_tokens }| api::Thinking { r#type: kind, budget_tokens }),
            response_format: response_format.map(|oa::ResponseFormat { kind, json_schema }| {
                api::ResponseFormat {
                    r#type: kind,
                    json_schema: json_schema.map(
                        |oa::JsonSchemaFormat { name, description, schema, strict }| api::JsonSchema {
                            name,
                            description,
                            schema: None,
                            schema_json: schema.map(json_text),
                            strict,
                        },
                    ),
                }
            }),
            prompt_cache,
            citations,
            performance_config: performance_config
                .map(|oa::PerformanceConfig { latency }| api::PerformanceConfig { latency }),
        };
    Ok((proto, stream.unwrap_or(false)))
}

fn tool_choice(choice: oa::ToolChoice) -> Result<api::ToolChoice> {
    let choice = match choice {
        oa::ToolChoice::Mode(mode) => api::tool_choice::Choice::Mode(mode),
        oa::ToolChoice::Named(oa::NamedToolChoice { kind, function: oa::FunctionName { name } }) => {
            if kind != "function" {
                return Err(Error::invalid(
                    "tool_choice.type",
                    format!("{kind:?} is not supported; use \"function\""),
                ));
            }
            api::tool_choice::Choice::Function(api::NamedToolChoice { name })
        }
    };
    Ok(api::ToolChoice { choice: Some(choice) })
}

fn message(i: usize, message: oa::ChatMessage) -> Result<api::Message> {
    let oa::ChatMessage {
        role,
        content,
        name,
        tool_calls,
        tool_call_id,
        reasoning_content,
        thinking_blocks,
        cache_control,
    } = message;
    let content = match content {
        None => None,
        Some(oa::MessageContent::Text(text)) => Some(api::message::Content::Text(text)),
        Some(oa::MessageContent::Parts(parts)) => {
            let parts = parts.into_iter().enumerate().map(|(j, p)| part(i, j, p)).collect::<Result<_>>()?;
            Some(api::message::Content::Parts(api::ContentParts { parts }))
        }
    };
    Ok(api::Message {
        role,
        content,
        name,
        tool_calls: tool_calls
            .unwrap_or_default()
            .into_iter()
            .map(|oa::ToolCall { id, kind, function: oa::FunctionCall { name, arguments } }| api::ToolCall {
                id,
                r#type: kind,
                function: Some(api::FunctionCall { name, arguments }),
            })
            .collect(),
        tool_call_id,
        reasoning_content,
        thinking_blocks: thinking_blocks.unwrap_or_default().into_iter().map(thinking_block_in).collect(),
        cache_control: cache_control.map(cache_control_in),
        // Answers carry citations; a request's history never does.
        citations: Vec::new(),
        // OpenAI's tool messages have no failure flag; the text says it.
        tool_error: None,
    })
}

fn thinking_block_in(block: oa::ThinkingBlock) -> api::ThinkingBlock {
    let oa::ThinkingBlock { kind, thinking, signature, data, tool_calls_before } = block;
    api::ThinkingBlock { r#type: kind, thinking, signature, data, tool_calls_before }
}

fn thinking_block_out(block: api::ThinkingBlock) -> oa::ThinkingBlock {
    let api::ThinkingBlock { r#type, thinking, signature, data, tool_calls_before } = block;
    oa::ThinkingBlock { kind: r#type, thinking, signature, data, tool_calls_before }
}

fn cache_control_in(marker: oa::CacheControl) -> api::CacheControl {
    let oa::CacheControl { kind, ttl } = marker;
    api::CacheControl { r#type: kind, ttl }
}

/// A content part, or a 400 naming a part type this shim does not take.
fn part(i: usize, j: usize, part: oa::ContentPart) -> Result<api::ContentPart> {
    let unsupported = |kind: &str, why: &str| {
        Error::invalid(
            format!("messages[{i}].content[{j}]"),
            format!("content parts of type {kind:?} are not supported: {why}"),
        )
    };
    let (part, cache_control) = match part {
        oa::ContentPart::Text { text, cache_control } => (api::content_part::Part::Text(text), cache_control),
        oa::ContentPart::ImageUrl { image_url: oa::ImageUrl { url, detail }, cache_control } => {
            (api::content_part::Part::ImageUrl(api::ImageUrl { url, detail }), cache_control)
        }
        oa::ContentPart::InputAudio { input_audio: _ } => {
            return Err(unsupported("input_audio", "Bedrock's Converse API takes no audio input"));
        }
        oa::ContentPart::File { file, cache_control } => {
            let oa::FilePart { file_data, filename, file_id, format, citations, context } = file;
            if file_id.is_some() {
                return Err(Error::invalid(
                    format!("messages[{i}].content[{j}].file.file_id"),
                    "file ids refer to OpenAI's Files API, which Bedrock has no counterpart of; send the file in file_data",
                ));
            }
            let Some(data_url) = file_data else {
                return Err(Error::invalid(
                    format!("messages[{i}].content[{j}].file.file_data"),
                    "is required: the document as a data URL (data:application/pdf;base64,...)",
                ));
            };
            let document = api::Document {
                source: Some(api::document::Source::Url(data_url)),
                format,
                filename,
                citations,
                context,
            };
            (api::content_part::Part::Document(document), cache_control)
        }
    };
    Ok(api::ContentPart { part: Some(part), cache_control: cache_control.map(cache_control_in) })
}

fn tool(tool: oa::Tool) -> api::Tool {
    let oa::Tool { kind, function, cache_control } = tool;
    let oa::FunctionDefinition { name, description, parameters, strict } = function;
    api::Tool {
        r#type: kind,
        function: Some(api::FunctionDefinition {
            name,
            description,
            parameters: None,
            strict,
            // As JSON text, so integers in the schema stay exact.
            parameters_json: parameters.map(json_text),
        }),
        cache_control: cache_control.map(cache_control_in),
    }
}

/// A JSON object as its text, for the proto's `*_json` fields.
fn json_text(object: serde_json::Map<String, serde_json::Value>) -> String {
    serde_json::Value::Object(object).to_string()
}

/// The proto answer as OpenAI's `chat.completion`.
pub fn completion(response: api::ChatCompletionResponse) -> oa::ChatCompletion {
    let api::ChatCompletionResponse {
        id,
        object,
        created,
        model,
        choices,
        usage,
        service_tier,
        guardrail_trace_json,
    } = response;
    oa::ChatCompletion {
        id,
        object,
        created,
        model,
        choices: choices.into_iter().map(choice).collect(),
        usage: usage.map(self::usage),
        service_tier,
        guardrail_trace: guardrail_trace_json.as_deref().map(json_value),
    }
}

/// JSON text the core wrote (a guardrail trace) as a value.
fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

fn choice(choice: api::Choice) -> oa::Choice {
    // OpenAI's finish_reason says why; Bedrock's finer stop_reason is for gRPC and Anthropic's API.
    let api::Choice { index, message, finish_reason, stop_reason: _, stop_sequence: _ } = choice;
    let api::Message {
        role,
        content,
        name: _, // answers carry no participant name
        tool_calls,
        tool_call_id: _, // only tool messages (requests) carry one
        reasoning_content,
        thinking_blocks,
        cache_control: _, // a request-side marker
        citations,
        tool_error: _, // only tool messages (requests) carry one
    } = message.unwrap_or_default();
    let content = match content {
        Some(api::message::Content::Text(text)) => Some(text),
        // The core answers with text only; parts never appear in an answer.
        Some(api::message::Content::Parts(_)) | None => None,
    };
    let tool_calls: Vec<oa::ToolCall> = tool_calls
        .into_iter()
        .map(|api::ToolCall { id, r#type, function }| {
            let api::FunctionCall { name, arguments } = function.unwrap_or_default();
            oa::ToolCall { id, kind: r#type, function: oa::FunctionCall { name, arguments } }
        })
        .collect();
    oa::Choice {
        index,
        message: oa::AssistantMessage {
            role,
            content,
            tool_calls: (!tool_calls.is_empty()).then_some(tool_calls),
            refusal: None,
            reasoning_content,
            thinking_blocks: (!thinking_blocks.is_empty())
                .then(|| thinking_blocks.into_iter().map(thinking_block_out).collect()),
            citations: citations_out(citations),
        },
        finish_reason,
        logprobs: None,
    }
}

fn citations_out(citations: Vec<api::Citation>) -> Option<Vec<oa::Citation>> {
    let citations: Vec<oa::Citation> = citations
        .into_iter()
        .map(|api::Citation { title, document_index, cited_text, location_type, start, end, source }| {
            oa::Citation { title, document_index, cited_text, location_type, start, end, source }
        })
        .collect();
    (!citations.is_empty()).then_some(citations)
}

/// A proto stream chunk as OpenAI's `chat.completion.chunk`.
pub fn chunk(chunk: api::StreamChatCompletionResponse) -> oa::ChatCompletionChunk {
    let api::StreamChatCompletionResponse {
        id,
        object,
        created,
        model,
        choices,
        usage,
        service_tier,
        guardrail_trace_json,
    } = chunk;
    oa::ChatCompletionChunk {
        id,
        object,
        created,
        model,
        choices: choices.into_iter().map(chunk_choice).collect(),
        usage: usage.map(self::usage),
        service_tier,
        guardrail_trace: guardrail_trace_json.as_deref().map(json_value),
    }
}

fn chunk_choice(choice: api::ChunkChoice) -> oa::ChunkChoice {
    // OpenAI's finish_reason says why; Bedrock's finer stop_reason is for gRPC and Anthropic's API.
    let api::ChunkChoice { index, delta, finish_reason, stop_reason: _, stop_sequence: _ } = choice;
    let api::Delta { role, content, tool_calls, reasoning_content, thinking_blocks, citations } =
        delta.unwrap_or_default();
    // OpenAI's first chunk carries `"content": ""` beside the role; strict clients expect it.
    let content = if role.is_some() && content.is_none() { Some(String::new()) } else { content };
    let tool_calls: Vec<oa::ToolCallDelta> = tool_calls
        .into_iter()
        .map(|api::ToolCallDelta { index, id, r#type, function }| {
            let api::FunctionCallDelta { name, arguments } = function.unwrap_or_default();
            oa::ToolCallDelta { index, id, kind: r#type, function: oa::FunctionCallDelta { name, arguments } }
        })
        .collect();
    oa::ChunkChoice {
        index,
        delta: oa::Delta {
            role,
            content,
            tool_calls: (!tool_calls.is_empty()).then_some(tool_calls),
            reasoning_content,
            thinking_blocks: (!thinking_blocks.is_empty())
                .then(|| thinking_blocks.into_iter().map(thinking_block_out).collect()),
            citations: citations_out(citations),
        },
        finish_reason,
        logprobs: None,
    }
}

fn usage(usage: api::Usage) -> oa::Usage {
    let api::Usage { prompt_tokens, completion_tokens, total_tokens, cache_read_tokens, cache_write_tokens } =
        usage;
    let cached = cache_read_tokens.is_some() || cache_write_tokens.is_some();
    oa::Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens,
        prompt_tokens_details: cached.then(|| oa::PromptTokensDetails {
            cached_tokens: cache_read_tokens.unwrap_or_default(),
            cache_write_tokens,
        }),
        cache_read_input_tokens: cache_read_tokens,
        cache_creation_input_tokens: cache_write_tokens,
    }
}

/// A catalog model as OpenAI's `model` object.
pub fn model(model: api::Model) -> oa::Model {
    let api::Model { id, object, created, owned_by, name, capabilities: _, inference_profile_ids } = model;
    oa::Model { id, object, created, owned_by, name, inference_profile_ids }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> oa::ChatCompletionRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn strings_or_lists_and_tool_choice_shapes_map() {
        let (proto, stream) = request(parse(serde_json::json!({
            "model": "m",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            "stop": "END",
            "stream": true,
            "stream_options": {"include_usage": true},
            "tool_choice": {"type": "function", "function": {"name": "f"}},
            "some_future_field": 1
        })))
        .unwrap();
        assert!(stream);
        assert_eq!(proto.stop, ["END"]);
        assert!(proto.stream_options.unwrap().include_usage);
        assert!(
            matches!(proto.tool_choice.unwrap().choice, Some(api::tool_choice::Choice::Function(f)) if f.name == "f")
        );
        assert!(matches!(proto.messages[0].content, Some(api::message::Content::Parts(_))));
    }

    #[test]
    fn what_bedrock_cannot_honour_is_rejected_by_name() {
        let base = serde_json::json!({"model": "m", "messages": []});
        for (field, value, param) in [
            ("presence_penalty", serde_json::json!(0.5), "presence_penalty"),
            ("seed", serde_json::json!(7), "seed"),
        ] {
            let mut json = base.clone();
            json[field] = value;
            assert_eq!(request(parse(json)).unwrap_err().field.as_deref(), Some(param));
        }
        let mut zero = base;
        zero["frequency_penalty"] = serde_json::json!(0);
        assert!(request(parse(zero)).is_ok());
    }
}
