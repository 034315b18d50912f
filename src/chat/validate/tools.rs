//! Tool definitions and the tool choice.

use super::{bounded, json};
use crate::error::{Error, Result};
use crate::proto::v1 as api;
use std::collections::HashSet;

/// The most tools one request may declare (OpenAI's limit).
pub const MAX_TOOLS: usize = 128;
/// The longest tool name (Bedrock's and OpenAI's limit).
pub const MAX_TOOL_NAME_CHARS: usize = 64;
/// The longest tool description.
pub const MAX_TOOL_DESCRIPTION_CHARS: usize = 10_000;
/// The tool choice modes.
pub const TOOL_CHOICE_MODES: &[&str] = &["none", "auto", "required"];

/// Whether `name` is a valid tool name: 1 to 64 ASCII letters, digits, `_` or `-`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOOL_NAME_CHARS
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Checks the declared tools (also when `tool_choice: "none"` means they will not be sent).
pub fn definitions(tools: &[api::Tool]) -> Result<()> {
    if tools.len() > MAX_TOOLS {
        return Err(Error::invalid("tools", format!("declares {} tools; at most {MAX_TOOLS}", tools.len())));
    }
    let mut names = HashSet::new();
    for (i, tool) in tools.iter().enumerate() {
        let api::Tool { r#type, function, cache_control } = tool;
        if let Some(marker) = cache_control {
            super::cache_control(&format!("tools[{i}].cache_control"), marker)?;
        }
        if !(r#type.is_empty() || r#type == "function") {
            return Err(Error::invalid(
                format!("tools[{i}].type"),
                format!("{type:?} is not supported; use \"function\""),
            ));
        }
        let Some(function) = function else {
            return Err(Error::invalid(format!("tools[{i}].function"), "is required"));
        };
        let api::FunctionDefinition {
            name,
            description,
            parameters,
            strict: _, // sent where enforced and checked after the answer (chat::structured)
            parameters_json,
        } = function;
        if !is_valid_name(name) {
            return Err(Error::invalid(
                format!("tools[{i}].function.name"),
                format!(
                    "{name:?} must be 1 to {MAX_TOOL_NAME_CHARS} letters, digits, underscores or hyphens"
                ),
            ));
        }
        if !names.insert(name.as_str()) {
            return Err(Error::invalid(
                format!("tools[{i}].function.name"),
                format!("{name:?} is declared twice"),
            ));
        }
        if let Some(description) = description {
            bounded(&format!("tools[{i}].function.description"), description, MAX_TOOL_DESCRIPTION_CHARS)?;
        }
        if parameters.is_some() && parameters_json.is_some() {
            return Err(Error::invalid(
                format!("tools[{i}].function.parameters_json"),
                "set either parameters or parameters_json, not both",
            ));
        }
        if let Some(text) = parameters_json {
            json::object(&format!("tools[{i}].function.parameters_json"), text)?;
        }
    }
    Ok(())
}

/// Checks the tool choice against the tools; says whether the model may call tools at all (tools
/// are given and the choice is not `"none"`).
pub fn choice(choice: Option<&api::ToolChoice>, tools: &[api::Tool]) -> Result<bool> {
    use api::tool_choice::Choice;
    let has_tools = !tools.is_empty();
    match choice.and_then(|c| c.choice.as_ref()) {
        None => Ok(has_tools),
        Some(Choice::Mode(mode)) => match mode.as_str() {
            "none" => Ok(false),
            "auto" => Ok(has_tools),
            "required" if has_tools => Ok(true),
            "required" => {
                Err(Error::invalid("tool_choice", "\"required\" needs at least one tool in `tools`"))
            }
            other => Err(Error::invalid(
                "tool_choice",
                format!("unknown mode {other:?}; expected \"none\", \"auto\" or \"required\""),
            )),
        },
        Some(Choice::Function(api::NamedToolChoice { name })) => {
            let declared = tools.iter().any(|tool| tool.function.as_ref().is_some_and(|f| f.name == *name));
            if declared {
                Ok(true)
            } else {
                Err(Error::invalid(
                    "tool_choice.function.name",
                    format!("{name:?} is not one of the functions in `tools`"),
                ))
            }
        }
    }
}
