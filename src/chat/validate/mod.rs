//! The API's rules for a chat request, in one place: what a request may ask for, and the bounds of
//! every string and list in it. The Bedrock mapping runs after these checks and only maps; the
//! OpenAPI document states the same bounds, and a test there compares them with the constants here.
//!
//! - this file: request-level fields (model, sampling, limits, options accepted but not sent);
//! - [`messages`]: the conversation (roles, content, tool calls and their answers);
//! - [`tools`]: tool definitions and the tool choice;
//! - [`data_url`]: inline images, parsed where they are mapped;
//! - [`json`]: JSON objects passed through as text.
//!
//! Every check names the field at fault and says why, so a caller can fix the request.

pub mod data_url;
pub mod json;
pub mod messages;
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
/// See [`MAX_METADATA_PAIRS`].
pub const MAX_METADATA_VALUE_CHARS: usize = 512;
/// OpenAI's service tiers. Accepted (and not sent yet).
pub const SERVICE_TIERS: &[&str] = &["auto", "default", "flex", "scale", "priority"];
/// Guardrail trace settings.
pub const GUARDRAIL_TRACES: &[&str] = &["enabled", "enabled_full", "disabled"];
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
    tools::definitions(tools)?;
    let tools_on = tools::choice(tool_choice.as_ref(), tools)?;
    messages::conversation(messages, tools_on)?;
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
        bounded(&format!("metadata.{key}"), value, MAX_METADATA_VALUE_CHARS)?;
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
