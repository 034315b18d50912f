//! CountTokens (`POST /model/{modelId}/count-tokens`): the input tokens a Converse or InvokeModel
//! request would be charged, without running it.
//!
//! The request is `{"input": {"converse": {"messages", "system", "toolConfig", ...}}}` or
//! `{"input": {"invokeModel": {"body": "<the InvokeModel body, base64>"}}}` (a blob: the SDKs send
//! it base64-encoded); the answer is `{"inputTokens": n}`.
//!
//! Only bare foundation-model ids (or their ARNs) of the Claude models that support token counting
//! are served; an inference profile or another model gets Bedrock's `The provided model doesn't
//! support counting tokens.`, an unknown id or one its region does not list `The provided model
//! identifier is invalid.` A profile-only model (Claude Sonnet 4, ...) counts by its bare id.
//!
//! The count, deterministic so a test can predict it:
//!
//! - `converse`: system and message blocks count as the emulator's Converse counts its
//!   `inputTokens` (a text its words, at least 1 when not empty; a document a quarter of its bytes;
//!   a cache point nothing; any other block 1), so CountTokens agrees with the usage of a Converse
//!   call with the same messages; the tool specs (`toolConfig.tools[].toolSpec`) add the words of
//!   every key and string in them (name, description, schema).
//! - `invokeModel`: Anthropic's Messages body (`messages` required): a string content or a text
//!   block its words, any other block 1; `system` likewise; each of `tools` the words of every key
//!   and string in it.
//!
//! Words are counted by `embeddings::tokens`, the rule the embedding models use too.

use super::answer::Fault;
use super::embeddings::tokens;
use super::world;
use base64::Engine as _;
use serde_json::Value;

/// Bedrock's answer to CountTokens on a model (or profile) that does not count tokens.
pub const NOT_SUPPORTED: &str = "The provided model doesn't support counting tokens.";

/// The models CountTokens serves, by bare foundation-model id: Anthropic's Claude models from
/// Claude 3.5 on.
#[rustfmt::skip]
const SUPPORTED: &[&str] = &[
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "anthropic.claude-opus-4-1-20250805-v1:0",
    "anthropic.claude-opus-4-20250514-v1:0",
    "anthropic.claude-opus-4-5-20251101-v1:0",
    "anthropic.claude-opus-4-6-v1",
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-sonnet-4-6",
];

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

fn unsupported() -> Fault {
    invalid(NOT_SUPPORTED)
}

fn invalid_model() -> Fault {
    invalid(world::INVALID_MODEL)
}

/// Bedrock's verdict on counting tokens for `model_id` from `region`.
pub fn check_model(model_id: &str, region: &str) -> Result<(), Fault> {
    let base = if let Some(arn) = model_id.strip_prefix("arn:") {
        let foundation = format!("{}:bedrock:{region}::foundation-model/", world::partition(region));
        match arn.strip_prefix(foundation.as_str()) {
            Some(id) => id,
            // A system-defined or application profile's ARN: CountTokens takes no profiles.
            None if arn.contains("inference-profile/") => return Err(unsupported()),
            None => return Err(invalid_model()),
        }
    } else if world::find(model_id).is_some() {
        model_id
    } else if world::find(world::base_model_id(model_id)).is_some() {
        // A system-defined profile (`us.`, `global.`, ...) of a known model.
        return Err(unsupported());
    } else {
        return Err(invalid_model());
    };
    let Some(model) = world::find(base) else { return Err(invalid_model()) };
    if model.lifecycle == world::Lifecycle::EndOfLife {
        return Err((404, "ResourceNotFoundException", world::END_OF_LIFE.to_owned()));
    }
    if model.inference_type_in(region).is_none() {
        return Err(invalid_model());
    }
    if SUPPORTED.contains(&model.id) { Ok(()) } else { Err(unsupported()) }
}

/// The input tokens of a CountTokens request body.
pub fn count(body: &Value) -> Result<u32, Fault> {
    let input = &body["input"];
    if input.is_null() {
        return Err(invalid(
            "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null",
        ));
    }
    match (input.get("converse"), input.get("invokeModel")) {
        (Some(converse), None) => converse_tokens(converse),
        (None, Some(invoke)) => invoke_model_tokens(invoke),
        _ => Err(invalid(
            "Malformed input request: input must set exactly one of converse and invokeModel, please reformat \
             your input and try again.",
        )),
    }
}

/// Tokens of every key and string in a JSON value (tool specs, tool definitions).
fn text_tokens(value: &Value) -> u32 {
    match value {
        Value::String(text) => tokens(text),
        Value::Array(items) => items.iter().map(text_tokens).sum(),
        Value::Object(fields) => fields.iter().map(|(key, value)| tokens(key) + text_tokens(value)).sum(),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

/// A Converse content block, as the emulator's Converse counts it.
fn converse_block(block: &Value) -> u32 {
    match block.get("text") {
        Some(text) => tokens(text.as_str().unwrap_or_default()),
        None => super::prompt_cache::block_tokens(block),
    }
}

fn converse_tokens(converse: &Value) -> Result<u32, Fault> {
    let messages = converse.get("messages").and_then(Value::as_array).filter(|m| !m.is_empty());
    let messages =
        messages.ok_or_else(|| invalid("The messages field is required and must not be empty."))?;
    let mut count: u32 = converse["system"].as_array().into_iter().flatten().map(converse_block).sum();
    for message in messages {
        count += message["content"].as_array().into_iter().flatten().map(converse_block).sum::<u32>();
    }
    for tool in converse["toolConfig"]["tools"].as_array().into_iter().flatten() {
        if let Some(spec) = tool.get("toolSpec") {
            count += text_tokens(spec);
        }
    }
    Ok(count)
}

/// Anthropic content: a string, or a list of blocks.
fn anthropic_content(content: &Value) -> u32 {
    match content {
        Value::String(text) => tokens(text),
        Value::Array(blocks) => blocks
            .iter()
            .map(|block| match block.get("text").and_then(Value::as_str) {
                Some(text) => tokens(text),
                None => 1,
            })
            .sum(),
        _ => 0,
    }
}

fn invoke_model_tokens(invoke: &Value) -> Result<u32, Fault> {
    let Some(encoded) = invoke.get("body").and_then(Value::as_str) else {
        return Err(invalid(
            "1 validation error detected: Value null at 'input.invokeModel.body' failed to satisfy constraint: \
             Member must not be null",
        ));
    };
    let malformed = |what: &str| {
        invalid(format!("Malformed input request: {what}, please reformat your input and try again."))
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| malformed("the invokeModel body is not base64-encoded"))?;
    let body: Value =
        serde_json::from_slice(&bytes).map_err(|_| malformed("the invokeModel body is not JSON"))?;
    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
        return Err(malformed("#: required key [messages] not found"));
    };
    let mut count = anthropic_content(&body["system"]);
    for message in messages {
        count += anthropic_content(&message["content"]);
    }
    for tool in body["tools"].as_array().into_iter().flatten() {
        count += text_tokens(tool);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SONNET_4: &str = "anthropic.claude-sonnet-4-20250514-v1:0";
    const HAIKU_4_5: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";

    fn converse(input: Value) -> Result<u32, Fault> {
        count(&json!({"input": {"converse": input}}))
    }

    fn invoke(body: Value) -> Result<u32, Fault> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(body.to_string());
        count(&json!({"input": {"invokeModel": {"body": encoded}}}))
    }

    fn user(text: &str) -> Value {
        json!({"role": "user", "content": [{"text": text}]})
    }

    #[test]
    fn a_conversation_counts_its_words_system_and_tools() {
        let messages =
            json!([user("how many tokens here"), {"role": "assistant", "content": [{"text": "four"}]}]);
        assert_eq!(converse(json!({"messages": messages})), Ok(4 + 1));
        let with_system = json!({"messages": messages, "system": [{"text": "be brief"}, {"cachePoint": {"type": "default"}}]});
        assert_eq!(converse(with_system.clone()), Ok(5 + 2), "a cache point counts nothing");

        let tool = json!({"toolSpec": {
            "name": "get_weather",
            "description": "Weather for a city",
            "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
        }});
        let mut with_tools = with_system.clone();
        with_tools["toolConfig"] = json!({"tools": [tool, {"cachePoint": {"type": "default"}}]});
        // Keys name, description, inputSchema; values get_weather and "Weather for a city"; the
        // schema's json, type, object, properties, city, type, string.
        assert_eq!(converse(with_tools), Ok(7 + 3 + (1 + 4) + 7));

        let longer = json!({"messages": [user("how many tokens here and now")]});
        assert!(
            converse(longer).unwrap()
                > converse(json!({"messages": [user("how many tokens here")]})).unwrap()
        );
    }

    #[test]
    fn documents_and_images_count_as_converse_counts_them() {
        let bytes = base64::engine::general_purpose::STANDARD.encode("x".repeat(40));
        let content = json!([
            {"text": "read"},
            {"document": {"format": "txt", "name": "notes", "source": {"bytes": bytes}}},
            {"image": {"format": "png", "source": {"bytes": "aGk="}}},
        ]);
        assert_eq!(converse(json!({"messages": [{"role": "user", "content": content}]})), Ok(1 + 10 + 1));
    }

    #[test]
    fn an_invoke_model_body_counts_anthropics_messages() {
        let body = json!({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 100,
            "system": "you are terse",
            "messages": [
                {"role": "user", "content": "hello there"},
                {"role": "assistant", "content": [{"type": "text", "text": "hi"}]},
                {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "data": "aGk="}}]},
            ],
            "tools": [{"name": "lookup", "description": "find it", "input_schema": {"type": "object"}}],
        });
        // system 3, messages 2 + 1 + 1, tool: name, lookup, description, find it, input_schema, type, object.
        assert_eq!(invoke(body), Ok(3 + 2 + 1 + 1 + 8));
        assert_eq!(
            invoke(json!({"prompt": "x"})).unwrap_err().2,
            "Malformed input request: #: required key [messages] not found, please reformat your input and try \
             again."
        );
        let not_base64 = json!({"input": {"invokeModel": {"body": "{\"messages\": []}"}}});
        assert!(count(&not_base64).unwrap_err().2.contains("not base64-encoded"));
    }

    #[test]
    fn malformed_inputs_are_refused() {
        assert!(count(&json!({})).unwrap_err().2.contains("Value null at 'input'"));
        let both = json!({"input": {"converse": {"messages": [user("a")]}, "invokeModel": {"body": ""}}});
        assert!(count(&both).unwrap_err().2.contains("exactly one of converse and invokeModel"));
        assert!(count(&json!({"input": {}})).is_err());
        assert_eq!(
            converse(json!({"messages": []})).unwrap_err().2,
            "The messages field is required and must not be empty."
        );
        assert!(
            count(&json!({"input": {"invokeModel": {}}})).unwrap_err().2.contains("input.invokeModel.body")
        );
    }

    #[test]
    fn claude_models_count_by_bare_id_or_foundation_model_arn() {
        for id in
            [SONNET_4, HAIKU_4_5, "anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-opus-4-6-v1"]
        {
            assert_eq!(check_model(id, "us-east-1"), Ok(()), "{id}");
        }
        assert_eq!(check_model(SONNET_4, "eu-central-1"), Ok(()), "listed there through its profiles");
        let arn = format!("arn:aws:bedrock:us-west-2::foundation-model/{HAIKU_4_5}");
        assert_eq!(check_model(&arn, "us-west-2"), Ok(()));
        assert_eq!(check_model(&arn, "us-east-1"), Err(invalid_model()), "an ARN of another region");
    }

    #[test]
    fn profiles_and_other_models_do_not_count_tokens() {
        let refused = Err((400, "ValidationException", NOT_SUPPORTED.to_owned()));
        for id in [
            format!("us.{HAIKU_4_5}"),
            format!("global.{SONNET_4}"),
            format!("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{SONNET_4}"),
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3".to_owned(),
            "amazon.nova-pro-v1:0".to_owned(),
            "amazon.titan-embed-text-v2:0".to_owned(),
            "meta.llama3-8b-instruct-v1:0".to_owned(),
            "anthropic.claude-3-haiku-20240307-v1:0".to_owned(),
        ] {
            assert_eq!(check_model(&id, "us-east-1"), refused, "{id}");
        }
        assert_eq!(check_model("no-such-model", "us-east-1"), Err(invalid_model()));
        assert_eq!(check_model(SONNET_4, "xx-nowhere-1"), Err(invalid_model()));
        let gone = check_model("anthropic.claude-3-sonnet-20240229-v1:0", "us-east-1").unwrap_err();
        assert_eq!((gone.0, gone.1), (404, "ResourceNotFoundException"));
    }
}
