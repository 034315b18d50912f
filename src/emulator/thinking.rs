//! Reasoning as Bedrock's models do it, from the emulator's own list of which models reason and how
//! (it does not read the server's tables, so a wrong table in the server fails the tests).
//!
//! - Claude 3.7 Sonnet and Claude 4/4.5 take `thinking: {type: "enabled", budget_tokens}` (at least
//!   1024, below maxTokens); Claude 4.6 and 4.7 take `{type: "adaptive"}` (4.7 refuses "enabled");
//!   with thinking on, temperature may only be 1 and the tool choice may not force a tool.
//! - Nova 2 takes `reasoningConfig`, gpt-oss `reasoning_effort`; DeepSeek-R1 always reasons.
//! - Answers start with a reasoning block. Claude's and Nova's carry a signature the emulator can
//!   check: a replayed block whose text or signature changed is refused, as Bedrock refuses it.
//! - With Claude's thinking on, a final assistant turn that calls tools must start with its
//!   reasoning block; with thinking off, the final assistant turn may carry none.
//! - Other models refuse a `thinking` field as an extra input.

use super::answer::Fault;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The key of the emulator's signatures (emulator-only: it signs nothing real).
const SIGNING_KEY: &[u8] = b"amazon-chat-emulator-thinking-signature-key";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    ClaudeBudget,
    ClaudeAdaptiveOrBudget,
    ClaudeAdaptiveOnly,
    Nova,
    GptOss,
    DeepSeek,
}

/// The emulator's own list (id prefixes after any profile prefix).
const MODELS: &[(&str, Family)] = &[
    ("anthropic.claude-3-7-sonnet", Family::ClaudeBudget),
    ("anthropic.claude-sonnet-4-6", Family::ClaudeAdaptiveOrBudget),
    ("anthropic.claude-opus-4-6", Family::ClaudeAdaptiveOrBudget),
    ("anthropic.claude-opus-4-7", Family::ClaudeAdaptiveOnly),
    ("anthropic.claude-sonnet-4", Family::ClaudeBudget),
    ("anthropic.claude-opus-4", Family::ClaudeBudget),
    ("anthropic.claude-haiku-4-5", Family::ClaudeBudget),
    ("amazon.nova-2", Family::Nova),
    ("openai.gpt-oss", Family::GptOss),
    ("deepseek.r1", Family::DeepSeek),
];

fn family(model_id: &str) -> Option<Family> {
    let id = super::world::base_model_id(model_id);
    MODELS.iter().find(|(prefix, _)| id.starts_with(prefix)).map(|(_, f)| *f)
}

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// The emulator's signature of a reasoning text.
pub fn sign(text: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(SIGNING_KEY);
    hash.update(text.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(hash.finalize())
}

/// Whether (and how) the request reasons, checked as Bedrock checks it. `Some(true)`: with a
/// signature; `Some(false)`: without one; `None`: no reasoning.
pub fn check(model_id: &str, body: &Value) -> Result<Option<bool>, Fault> {
    let fields = &body["additionalModelRequestFields"];
    let family = family(model_id);
    let thinking = &fields["thinking"];
    let claude = matches!(
        family,
        Some(Family::ClaudeBudget | Family::ClaudeAdaptiveOrBudget | Family::ClaudeAdaptiveOnly)
    );
    if !thinking.is_null() && !claude {
        return Err(invalid(
            "The model returned the following errors: thinking: Extra inputs are not permitted",
        ));
    }
    let on = match family {
        None => false,
        Some(Family::DeepSeek) => true,
        Some(Family::Nova) => fields["reasoningConfig"]["type"] == "enabled",
        Some(Family::GptOss) => fields["reasoning_effort"].is_string(),
        Some(family) => claude_thinking(family, thinking, body)?,
    };
    if claude {
        check_replay(body, on)?;
    }
    Ok(on.then_some(matches!(family, Some(Family::Nova)) || claude))
}

fn claude_thinking(family: Family, thinking: &Value, body: &Value) -> Result<bool, Fault> {
    let kind = thinking["type"].as_str();
    match (family, kind) {
        (_, None | Some("disabled")) => {
            if family == Family::ClaudeAdaptiveOnly && kind == Some("disabled") {
                return Err(invalid(
                    "thinking.type: \"disabled\" is not supported for this model; use \"adaptive\"",
                ));
            }
            return Ok(false);
        }
        (Family::ClaudeAdaptiveOnly, Some("enabled")) => {
            return Err(invalid(
                "thinking.type: \"enabled\" is not supported for this model; use \"adaptive\"",
            ));
        }
        (Family::ClaudeBudget, Some("adaptive")) => {
            return Err(invalid("thinking.type: adaptive thinking is not supported on this model"));
        }
        (_, Some("enabled")) => {
            let budget = thinking["budget_tokens"].as_u64().unwrap_or(0);
            if budget < 1024 {
                return Err(invalid("thinking.budget_tokens: Input should be greater than or equal to 1024"));
            }
            let max_tokens = body["inferenceConfig"]["maxTokens"].as_u64().unwrap_or(4096);
            if max_tokens <= budget {
                return Err(invalid("max_tokens must be greater than thinking.budget_tokens"));
            }
        }
        (_, Some("adaptive")) => {}
        (_, Some(other)) => return Err(invalid(format!("thinking.type: unknown type {other:?}"))),
    }
    if let Some(t) = body["inferenceConfig"]["temperature"].as_f64()
        && t != 1.0
    {
        return Err(invalid("temperature may only be set to 1 when thinking is enabled."));
    }
    let choice = &body["toolConfig"]["toolChoice"];
    if choice.get("any").is_some() || choice.get("tool").is_some() {
        return Err(invalid("Thinking may not be enabled when tool_choice forces tool use."));
    }
    Ok(true)
}

/// Replayed reasoning: every signature must verify; the final assistant turn must (thinking on,
/// with tool use) or must not (thinking off) carry reasoning.
fn check_replay(body: &Value, on: bool) -> Result<(), Fault> {
    let messages = body["messages"].as_array().map(Vec::as_slice).unwrap_or_default();
    for (i, message) in messages.iter().enumerate() {
        for (j, block) in message["content"].as_array().into_iter().flatten().enumerate() {
            let Some(text) = block["reasoningContent"].get("reasoningText") else { continue };
            let signature = text["signature"].as_str().unwrap_or_default();
            if signature.is_empty() {
                return Err(invalid(format!("messages.{i}.content.{j}.thinking.signature: Field required")));
            }
            if sign(text["text"].as_str().unwrap_or_default()) != signature {
                return Err(invalid(format!(
                    "messages.{i}.content.{j}: Invalid `signature` in `thinking` block"
                )));
            }
        }
    }
    let Some((i, last)) = messages.iter().enumerate().rev().find(|(_, m)| m["role"] == "assistant") else {
        return Ok(());
    };
    let content = last["content"].as_array().map(Vec::as_slice).unwrap_or_default();
    let has_reasoning = content.iter().any(|b| b.get("reasoningContent").is_some());
    let calls_tools = content.iter().any(|b| b.get("toolUse").is_some());
    // Only the final assistant turn of an unfinished tool loop is held to this.
    let is_final = messages.len() == i + 2;
    if on && is_final && calls_tools && content.first().is_none_or(|b| b.get("reasoningContent").is_none()) {
        return Err(invalid(format!(
            "The model returned the following errors: messages.{i}.content.0.type: Expected `thinking` or \
             `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must \
             start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks)."
        )));
    }
    if !on && i + 1 == messages.len() && has_reasoning {
        return Err(invalid(
            "When thinking is disabled, an `assistant` message in the final position cannot contain `thinking`.",
        ));
    }
    Ok(())
}
