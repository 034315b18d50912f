//! Native structured output (`outputConfig.textFormat`) and strict tools, for the models the
//! emulator's own list says have them: the answer is JSON satisfying the schema (its required
//! properties filled in); other models refuse both, as Bedrock does.

use super::answer::{Fault, example};
use serde_json::Value;

/// Models with structured output (id prefixes after any profile prefix).
const MODELS: &[&str] = &[
    "anthropic.claude-haiku-4-5",
    "anthropic.claude-sonnet-4-5",
    "anthropic.claude-opus-4-5",
    "anthropic.claude-opus-4-6",
];

fn supported(model_id: &str) -> bool {
    let id = super::world::base_model_id(model_id);
    MODELS.iter().any(|prefix| id.starts_with(prefix))
}

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// The structured answer's text, when the request asks for one; refuses what the model lacks.
pub fn answer(model_id: &str, body: &Value, off_schema: bool) -> Result<Option<String>, Fault> {
    let strict_tool = body["toolConfig"]["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|tool| tool["toolSpec"]["strict"] == true);
    let format = &body["outputConfig"]["textFormat"];
    if (strict_tool || !format.is_null()) && !supported(model_id) {
        return Err(invalid(
            "This model doesn't support structured outputs. Remove outputConfig.textFormat and strict from the request and try again.",
        ));
    }
    if format.is_null() {
        return Ok(None);
    }
    if format["type"] != "json_schema" {
        return Err(invalid("outputConfig.textFormat.type: must be json_schema"));
    }
    let text = format["structure"]["jsonSchema"]["schema"].as_str().unwrap_or_default();
    let schema: Value = serde_json::from_str(text)
        .map_err(|_| invalid("outputConfig.textFormat.structure.jsonSchema.schema: not valid JSON"))?;
    let value = if off_schema { serde_json::json!({"unexpected": true}) } else { example(&schema, "", 0) };
    Ok(Some(value.to_string()))
}
