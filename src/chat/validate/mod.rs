//! The API's rules for a chat request, in one place: what a request may ask for, and the bounds of
//! every string and list in it. The Bedrock mapping runs after these checks and only maps; the
//! OpenAPI document states the same bounds, and a test there compares them with the constants here.
//!
//! - this file: request-level fields (model, sampling, limits, options accepted but not sent);
//! - [`messages`]: the conversation (roles, content, tool calls and their answers);
//! - [`tools`]: tool definitions and the tool choice;
//! - [`data_url`]: inline images, parsed where they are mapped;
//! - [`documents`]: document parts, their formats and Bedrock's limits;
//! - [`s3`]: `s3://` URLs of images and documents;
//! - [`json`]: JSON objects passed through as text;
//! - [`cache`]: prompt-cache markers across the request.
//!
//! Every check names the field at fault and says why, so a caller can fix the request.

pub mod cache;
pub mod data_url;
pub mod documents;
pub mod embeddings;
pub mod json;
pub mod messages;
pub mod s3;
pub mod tools;

use crate::error::{Error, Result};
use crate::proto::v1::ChatCompletionRequest;
use std::ops::RangeInclusive;

/// OpenAI's temperature range. Bedrock models take 0 to 1 and say so themselves above that.
pub const TEMPERATURE: RangeInclusive<f64> = 0.0..=2.0;
/// Nucleus sampling's range.
pub const TOP_P: RangeInclusive<f64> = 0.0..=1.0;
/// The longest model id: Bedrock's limit for a model identifier (ARNs included).
pub const MAX_MODEL_ID_CHARS: usize = 2048;
/// The most messages in one request.
pub const MAX_MESSAGES: usize = 10_000;
/// The most stop sequences.
pub const MAX_STOP_SEQUENCES: usize = 16;
/// The longest stop sequence.
pub const MAX_STOP_SEQUENCE_CHARS: usize = 1000;
/// The longest end-user id.
pub const MAX_USER_CHARS: usize = 256;
/// OpenAI's metadata limits: pairs, key length, value length.
pub const MAX_METADATA_PAIRS: usize = 16;
/// See [`MAX_METADATA_PAIRS`].
pub const MAX_METADATA_KEY_CHARS: usize = 64;
/// See [`MAX_METADATA_PAIRS`]: Bedrock's limit (OpenAI's is 512).
pub const MAX_METADATA_VALUE_CHARS: usize = 256;
/// OpenAI's service tiers, and Bedrock's `reserved`.
pub const SERVICE_TIERS: &[&str] = &["auto", "default", "flex", "scale", "priority", "reserved"];
/// Converse's latency settings.
pub const LATENCIES: &[&str] = &["standard", "optimized"];
/// Guardrail trace settings.
pub const GUARDRAIL_TRACES: &[&str] = &["enabled", "enabled_full", "disabled"];
/// Per-request prompt-cache policies.
pub const PROMPT_CACHE_POLICIES: &[&str] = &["auto", "off"];
/// `response_format.type` values.
pub const RESPONSE_FORMATS: &[&str] = &["text", "json_object", "json_schema"];
/// The longest guardrail identifier (an id or ARN) and version.
pub const MAX_GUARDRAIL_CHARS: usize = 2048;

/// Rejects a request that cannot be honoured, naming the field and the reason. Destructures the
/// whole request, so a new field does not compile until someone decides its rule.
pub fn request(request: &ChatCompletionRequest) -> Result<()> {
    let ChatCompletionRequest {
        model,
        messages,
        max_tokens,
        max_completion_tokens,
        temperature,
        top_p,
        stop,
        tools,
        tool_choice,
        user,
        n,
        logprobs,
        top_logprobs,
        stream_options: _,                  // only switches the usage chunk on or off
        additional_model_request_fields: _, // a Struct is an object by construction
        guardrail_config,
        parallel_tool_calls: _, // accepted, not sent (see chat.proto)
        service_tier,
        metadata,
        store: _, // accepted, not sent (see chat.proto)
        additional_model_request_fields_json,
        reasoning_effort,
        thinking,
        response_format,
        prompt_cache,
        citations: _, // a switch: any value is valid
        performance_config,
    } = request;
    if model.trim().is_empty() {
        return Err(Error::invalid("model", "is required (a Bedrock model id, inference profile id or ARN)"));
    }
    bounded("model", model, MAX_MODEL_ID_CHARS)?;
    if messages.is_empty() {
        return Err(Error::invalid("messages", "must not be empty"));
    }
    if messages.len() > MAX_MESSAGES {
        return Err(Error::invalid(
            "messages",
            format!("holds {} messages; at most {MAX_MESSAGES}", messages.len()),
        ));
    }
    if n.is_some_and(|n| n != 1) {
        return Err(Error::invalid("n", "Bedrock generates one choice per request; only n = 1 is supported"));
    }
    if *logprobs == Some(true) {
        return Err(Error::invalid("logprobs", "Bedrock's Converse API does not return log probabilities"));
    }
    if top_logprobs.is_some_and(|n| n > 0) {
        return Err(Error::invalid(
            "top_logprobs",
            "Bedrock's Converse API does not return log probabilities",
        ));
    }
    max_output_tokens(*max_tokens, *max_completion_tokens)?;
    within("temperature", *temperature, &TEMPERATURE)?;
    within("top_p", *top_p, &TOP_P)?;
    stop_sequences(stop)?;
    if let Some(user) = user {
        bounded("user", user, MAX_USER_CHARS)?;
    }
    if let Some(tier) = service_tier
        && !SERVICE_TIERS.contains(&tier.as_str())
    {
        return Err(Error::invalid("service_tier", format!("{tier:?}; expected one of {SERVICE_TIERS:?}")));
    }
    metadata_pairs(metadata)?;
    if let Some(crate::proto::v1::PerformanceConfig { latency }) = performance_config
        && !LATENCIES.contains(&latency.as_str())
    {
        return Err(Error::invalid(
            "performance_config.latency",
            format!("{latency:?}; expected one of {LATENCIES:?}"),
        ));
    }
    if request.additional_model_request_fields.is_some() && additional_model_request_fields_json.is_some() {
        return Err(Error::invalid(
            "additional_model_request_fields_json",
            "set either additional_model_request_fields or additional_model_request_fields_json, not both",
        ));
    }
    if let Some(text) = additional_model_request_fields_json {
        json::object("additional_model_request_fields_json", text)?;
    }
    if let Some(guardrail) = guardrail_config {
        check_guardrail(guardrail)?;
    }
    reasoning(reasoning_effort.as_deref(), thinking.as_ref())?;
    if let Some(format) = response_format {
        self::response_format(format)?;
    }
    if let Some(policy) = prompt_cache
        && !PROMPT_CACHE_POLICIES.contains(&policy.as_str())
    {
        return Err(Error::invalid("prompt_cache", format!("{policy:?}; expected \"auto\" or \"off\"")));
    }
    tools::definitions(tools)?;
    let tools_on = tools::choice(tool_choice.as_ref(), tools)?;
    messages::conversation(messages, tools_on)?;
    documents::across(messages)?;
    cache::check(request)?;
    Ok(())
}

/// The output limit: `max_tokens` and `max_completion_tokens` mean the same; at least 1, and what
/// Converse's `maxTokens` (an i32) can hold.
pub fn max_output_tokens(max_tokens: Option<u32>, max_completion_tokens: Option<u32>) -> Result<Option<u32>> {
    let limit = match (max_tokens, max_completion_tokens) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::invalid(
                "max_completion_tokens",
                format!("is {b} but max_tokens is {a}; set one of them (they mean the same)"),
            ));
        }
        (a, b) => a.or(b),
    };
    let field = if max_tokens.is_some() { "max_tokens" } else { "max_completion_tokens" };
    match limit {
        Some(0) => Err(Error::invalid(field, "must be at least 1")),
        Some(n) if i32::try_from(n).is_err() => {
            Err(Error::invalid(field, format!("{n} is too large (at most {})", i32::MAX)))
        }
        other => Ok(other),
    }
}

/// A number within its range (NaN is not).
pub fn within(field: &str, value: Option<f64>, range: &RangeInclusive<f64>) -> Result<()> {
    match value {
        Some(v) if !range.contains(&v) => {
            Err(Error::invalid(field, format!("{v} is outside {}..={}", range.start(), range.end())))
        }
        _ => Ok(()),
    }
}

/// A string no longer than `max` characters.
pub fn bounded(field: &str, text: &str, max: usize) -> Result<()> {
    // Bytes bound characters from above: count characters only when the bytes are over.
    if text.len() > max && text.chars().count() > max {
        return Err(Error::invalid(field, format!("is longer than {max} characters")));
    }
    Ok(())
}

fn stop_sequences(stop: &[String]) -> Result<()> {
    if stop.len() > MAX_STOP_SEQUENCES {
        return Err(Error::invalid(
            "stop",
            format!("holds {} sequences; at most {MAX_STOP_SEQUENCES}", stop.len()),
        ));
    }
    for (index, sequence) in stop.iter().enumerate() {
        let field = format!("stop[{index}]");
        if sequence.is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        bounded(&field, sequence, MAX_STOP_SEQUENCE_CHARS)?;
    }
    Ok(())
}

fn metadata_pairs(metadata: &std::collections::HashMap<String, String>) -> Result<()> {
    if metadata.len() > MAX_METADATA_PAIRS {
        return Err(Error::invalid(
            "metadata",
            format!("holds {} pairs; at most {MAX_METADATA_PAIRS}", metadata.len()),
        ));
    }
    for (key, value) in metadata {
        bounded("metadata", key, MAX_METADATA_KEY_CHARS)?;
        // A key is quoted in the field name only once it is known to be short.
        let field = format!("metadata.{key}");
        if key.is_empty() || !key.chars().all(metadata_char) {
            return Err(Error::invalid(
                field,
                "a key must be 1 or more letters, digits, whitespace or `: _ @ $ # = / + , - .` (Bedrock's request metadata rules)",
            ));
        }
        bounded(&field, value, MAX_METADATA_VALUE_CHARS)?;
        if !value.chars().all(metadata_char) {
            return Err(Error::invalid(
                field,
                "a value may hold only letters, digits, whitespace and `: _ @ $ # = / + , - .` (Bedrock's request metadata rules)",
            ));
        }
    }
    Ok(())
}

/// The characters Bedrock's `requestMetadata` takes in keys and values.
pub fn metadata_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c.is_whitespace() || ":_@$#=/+,-.".contains(c)
}

/// `reasoning_effort` or `thinking`, not both, with values that exist. Whether the model can
/// reason is [`crate::chat::reasoning`]'s to say.
fn reasoning(effort: Option<&str>, thinking: Option<&crate::proto::v1::Thinking>) -> Result<()> {
    use crate::chat::reasoning::{EFFORTS, MIN_BUDGET_TOKENS};
    if let Some(effort) = effort
        && !EFFORTS.contains(&effort)
    {
        return Err(Error::invalid("reasoning_effort", format!("{effort:?}; expected one of {EFFORTS:?}")));
    }
    let Some(crate::proto::v1::Thinking { r#type, budget_tokens }) = thinking else { return Ok(()) };
    if effort.is_some() {
        return Err(Error::invalid("thinking", "set either reasoning_effort or thinking, not both"));
    }
    match (r#type.as_str(), budget_tokens) {
        ("enabled", Some(budget)) if *budget < MIN_BUDGET_TOKENS => Err(Error::invalid(
            "thinking.budget_tokens",
            format!("{budget} is below Claude's minimum of {MIN_BUDGET_TOKENS}"),
        )),
        ("enabled", None) => {
            Err(Error::invalid("thinking.budget_tokens", "is required when thinking.type is \"enabled\""))
        }
        ("enabled", Some(_)) | ("adaptive" | "disabled", None) => Ok(()),
        ("adaptive" | "disabled", Some(_)) => Err(Error::invalid(
            "thinking.budget_tokens",
            format!("only goes with thinking.type \"enabled\", not {type:?}"),
        )),
        (other, _) => Err(Error::invalid(
            "thinking.type",
            format!("{other:?}; expected \"enabled\", \"adaptive\" or \"disabled\""),
        )),
    }
}

/// `response_format`: a known type; for `json_schema`, a named object schema.
fn response_format(format: &crate::proto::v1::ResponseFormat) -> Result<()> {
    let crate::proto::v1::ResponseFormat { r#type, json_schema } = format;
    if !RESPONSE_FORMATS.contains(&r#type.as_str()) {
        return Err(Error::invalid(
            "response_format.type",
            format!("{type:?}; expected one of {RESPONSE_FORMATS:?}"),
        ));
    }
    match (r#type.as_str(), json_schema) {
        ("json_schema", None) => {
            Err(Error::invalid("response_format.json_schema", "is required for type \"json_schema\""))
        }
        (
            "json_schema",
            Some(crate::proto::v1::JsonSchema { name, description, schema, schema_json, strict: _ }),
        ) => {
            if !tools::is_valid_name(name) {
                return Err(Error::invalid(
                    "response_format.json_schema.name",
                    format!("{name:?} must be 1 to 64 letters, digits, underscores or hyphens"),
                ));
            }
            if let Some(description) = description {
                bounded(
                    "response_format.json_schema.description",
                    description,
                    tools::MAX_TOOL_DESCRIPTION_CHARS,
                )?;
            }
            match (schema, schema_json) {
                (Some(_), Some(_)) => Err(Error::invalid(
                    "response_format.json_schema.schema_json",
                    "set either schema or schema_json, not both",
                )),
                (None, None) => Err(Error::invalid("response_format.json_schema.schema", "is required")),
                (None, Some(text)) => {
                    json::object("response_format.json_schema.schema_json", text).map(|_| ())
                }
                (Some(_), None) => Ok(()),
            }
        }
        (_, Some(_)) => Err(Error::invalid(
            "response_format.json_schema",
            format!("only goes with type \"json_schema\", not {type:?}"),
        )),
        (_, None) => Ok(()),
    }
}

/// Cache TTLs Bedrock offers.
pub const CACHE_TTLS: &[&str] = &["5m", "1h"];

/// A `cache_control` marker: Anthropic's `{"type": "ephemeral"}`, with an optional TTL.
pub fn cache_control(field: &str, marker: &crate::proto::v1::CacheControl) -> Result<()> {
    let crate::proto::v1::CacheControl { r#type, ttl } = marker;
    if r#type != "ephemeral" {
        return Err(Error::invalid(format!("{field}.type"), format!("{type:?}; only \"ephemeral\" exists")));
    }
    if let Some(ttl) = ttl
        && !CACHE_TTLS.contains(&ttl.as_str())
    {
        return Err(Error::invalid(format!("{field}.ttl"), format!("{ttl:?}; expected \"5m\" or \"1h\"")));
    }
    Ok(())
}

fn check_guardrail(config: &crate::proto::v1::GuardrailConfig) -> Result<()> {
    let crate::proto::v1::GuardrailConfig { guardrail_identifier, guardrail_version, trace } = config;
    if guardrail_identifier.is_empty() {
        return Err(Error::invalid("guardrail_config.guardrail_identifier", "is required"));
    }
    bounded("guardrail_config.guardrail_identifier", guardrail_identifier, MAX_GUARDRAIL_CHARS)?;
    if guardrail_version.is_empty() {
        return Err(Error::invalid("guardrail_config.guardrail_version", "is required (a number or DRAFT)"));
    }
    bounded("guardrail_config.guardrail_version", guardrail_version, MAX_GUARDRAIL_CHARS)?;
    if let Some(trace) = trace
        && !GUARDRAIL_TRACES.contains(&trace.as_str())
    {
        return Err(Error::invalid(
            "guardrail_config.trace",
            format!("{trace:?}; expected \"enabled\", \"enabled_full\" or \"disabled\""),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
