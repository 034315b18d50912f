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
        parallel_tool_calls: _, // Bedrock decides how many tools to call; nothing to send.
        user,
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
    } = request;
    if logit_bias
        .as_ref()
        .is_some_and(|bias| !bias.is_null() && bias.as_object().is_none_or(|map| !map.is_empty()))
    {
        return Err(Error::invalid("logit_bias", "Bedrock's Converse API has no logit bias"));
    }
    if reasoning_effort.is_some() {
        return Err(Error::invalid(
            "reasoning_effort",
            "not mapped on Bedrock; set the model's reasoning budget in additional_model_request_fields",
        ));
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
    if let Some(format) = response_format
        && format.kind != "text"
    {
        return Err(Error::invalid(
            "response_format.type",
            format!(
                "{:?} is not supported on Bedrock; only \"text\" (use a tool with a JSON schema for structured output)",
                format.kind
            ),
        ));
    }
    let stream_options =
        stream_options.map(|o| api::StreamOptions { include_usage: o.include_usage.unwrap_or(false) });
    let proto = api::ChatCompletionRequest {
        model,
        messages: messages.into_iter().map(message).collect(),
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
        additional_model_request_fields: additional_model_request_fields.map(to_struct),
        guardrail_config: guardrail_config.map(|g| api::GuardrailConfig {
            guardrail_identifier: g.guardrail_identifier,
            guardrail_version: g.guardrail_version,
            trace: g.trace,
        }),
    };
    Ok((proto, stream.unwrap_or(false)))
}

fn tool_choice(choice: oa::ToolChoice) -> Result<api::ToolChoice> {
    let choice = match choice {
        oa::ToolChoice::Mode(mode) => api::tool_choice::Choice::Mode(mode),
        oa::ToolChoice::Named(named) if named.kind != "function" => {
            return Err(Error::invalid(
                "tool_choice.type",
                format!("{:?} is not supported; use \"function\"", named.kind),
            ));
        }
        oa::ToolChoice::Named(named) => {
            api::tool_choice::Choice::Function(api::NamedToolChoice { name: named.function.name })
        }
    };
    Ok(api::ToolChoice { choice: Some(choice) })
}

fn message(message: oa::ChatMessage) -> api::Message {
    let oa::ChatMessage { role, content, name, tool_calls, tool_call_id } = message;
    api::Message {
        role,
        content: content.map(|content| match content {
            oa::MessageContent::Text(text) => api::message::Content::Text(text),
            oa::MessageContent::Parts(parts) => api::message::Content::Parts(api::ContentParts {
                parts: parts
                    .into_iter()
                    .map(|part| api::ContentPart {
                        part: Some(match part {
                            oa::ContentPart::Text { text } => api::content_part::Part::Text(text),
                            oa::ContentPart::ImageUrl { image_url } => {
                                api::content_part::Part::ImageUrl(api::ImageUrl {
                                    url: image_url.url,
                                    detail: image_url.detail,
                                })
                            }
                        }),
                    })
                    .collect(),
            }),
        }),
        name,
        tool_calls: tool_calls
            .unwrap_or_default()
            .into_iter()
            .map(|call| api::ToolCall {
                id: call.id,
                r#type: call.kind,
                function: Some(api::FunctionCall {
                    name: call.function.name,
                    arguments: call.function.arguments,
                }),
            })
            .collect(),
        tool_call_id,
    }
}

fn tool(tool: oa::Tool) -> api::Tool {
    let oa::FunctionDefinition { name, description, parameters, strict } = tool.function;
    api::Tool {
        r#type: tool.kind,
        function: Some(api::FunctionDefinition {
            name,
            description,
            parameters: parameters.map(to_struct),
            strict,
        }),
    }
}

/// A JSON object as a protobuf Struct.
fn to_struct(object: serde_json::Map<String, serde_json::Value>) -> prost_types::Struct {
    prost_types::Struct { fields: object.into_iter().map(|(key, value)| (key, to_value(value))).collect() }
}

fn to_value(value: serde_json::Value) -> prost_types::Value {
    use prost_types::value::Kind;
    let kind = match value {
        serde_json::Value::Null => Kind::NullValue(0),
        serde_json::Value::Bool(b) => Kind::BoolValue(b),
        serde_json::Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Kind::StringValue(s),
        serde_json::Value::Array(items) => {
            Kind::ListValue(prost_types::ListValue { values: items.into_iter().map(to_value).collect() })
        }
        serde_json::Value::Object(object) => Kind::StructValue(to_struct(object)),
    };
    prost_types::Value { kind: Some(kind) }
}

/// The proto answer as OpenAI's `chat.completion`.
pub fn completion(response: api::ChatCompletionResponse) -> oa::ChatCompletion {
    let api::ChatCompletionResponse { id, object, created, model, choices, usage } = response;
    oa::ChatCompletion {
        id,
        object,
        created,
        model,
        choices: choices
            .into_iter()
            .map(|choice| {
                let message = choice.message.unwrap_or_default();
                let content = match message.content {
                    Some(api::message::Content::Text(text)) => Some(text),
                    _ => None,
                };
                let tool_calls: Vec<oa::ToolCall> = message
                    .tool_calls
                    .into_iter()
                    .map(|call| {
                        let function = call.function.unwrap_or_default();
                        oa::ToolCall {
                            id: call.id,
                            kind: call.r#type,
                            function: oa::FunctionCall { name: function.name, arguments: function.arguments },
                        }
                    })
                    .collect();
                oa::Choice {
                    index: choice.index,
                    message: oa::AssistantMessage {
                        role: message.role,
                        content,
                        tool_calls: (!tool_calls.is_empty()).then_some(tool_calls),
                        refusal: None,
                    },
                    finish_reason: choice.finish_reason,
                    logprobs: None,
                }
            })
            .collect(),
        usage: usage.map(self::usage),
    }
}

/// A proto stream chunk as OpenAI's `chat.completion.chunk`.
pub fn chunk(chunk: api::StreamChatCompletionResponse) -> oa::ChatCompletionChunk {
    let api::StreamChatCompletionResponse { id, object, created, model, choices, usage } = chunk;
    oa::ChatCompletionChunk {
        id,
        object,
        created,
        model,
        choices: choices
            .into_iter()
            .map(|choice| {
                let api::Delta { role, content, tool_calls } = choice.delta.unwrap_or_default();
                // OpenAI's first chunk carries `"content": ""` beside the role; strict clients expect it.
                let content = if role.is_some() && content.is_none() { Some(String::new()) } else { content };
                let tool_calls: Vec<oa::ToolCallDelta> = tool_calls
                    .into_iter()
                    .map(|call| {
                        let function = call.function.unwrap_or_default();
                        oa::ToolCallDelta {
                            index: call.index,
                            id: call.id,
                            kind: call.r#type,
                            function: oa::FunctionCallDelta {
                                name: function.name,
                                arguments: function.arguments,
                            },
                        }
                    })
                    .collect();
                oa::ChunkChoice {
                    index: choice.index,
                    delta: oa::Delta {
                        role,
                        content,
                        tool_calls: (!tool_calls.is_empty()).then_some(tool_calls),
                    },
                    finish_reason: choice.finish_reason,
                    logprobs: None,
                }
            })
            .collect(),
        usage: usage.map(self::usage),
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
            ("response_format", serde_json::json!({"type": "json_object"}), "response_format.type"),
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
