//! The conversation's rules: roles, what each role's content may hold, and tool calls with the tool
//! messages that answer them. The rules are OpenAI's plus what Bedrock's Converse demands and does
//! not explain well (no blank text, the user speaks first, every tool call answered before the
//! conversation goes on).

use super::{bounded, data_url, documents, s3};
use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// The most content parts in one message.
pub const MAX_PARTS: usize = 1000;
/// The most tool calls in one assistant message.
pub const MAX_TOOL_CALLS: usize = 128;
/// The longest tool call id, participant name or tool_call_id.
pub const MAX_ID_CHARS: usize = 256;
/// The longest image URL fetched (data URLs are bounded by the request size instead).
pub const MAX_IMAGE_URL_CHARS: usize = 8192;
/// The roles.
pub const ROLES: &[&str] = &["system", "developer", "user", "assistant", "tool"];

/// Checks the messages. `tools_on` says whether tools will be sent (tool history is then real tool
/// blocks; otherwise it is rendered as text, and the same rules still hold).
pub fn conversation(messages: &[api::Message], _tools_on: bool) -> Result<()> {
    // Tool calls of the latest assistant turn that no tool message has answered yet.
    let mut unanswered: Vec<&str> = Vec::new();
    let mut first_turn: Option<&str> = None;
    for (i, message) in messages.iter().enumerate() {
        let api::Message {
            role,
            content,
            name,
            tool_calls,
            tool_call_id,
            reasoning_content: _, // answers carry it; in requests the blocks carry the reasoning back
            thinking_blocks,
            cache_control,
            citations: _, // answers carry them; replayed history drops them (the text stays)
            tool_error,
        } = message;
        let role = role.as_str();
        if tool_error.is_some() && role != "tool" {
            return Err(Error::invalid(
                format!("messages[{i}].tool_error"),
                format!("only tool messages say whether a tool failed, not {role:?}"),
            ));
        }
        if let Some(marker) = cache_control {
            super::cache_control(&format!("messages[{i}].cache_control"), marker)?;
        }
        if !thinking_blocks.is_empty() && role != "assistant" {
            return Err(Error::invalid(
                format!("messages[{i}].thinking_blocks"),
                format!("only assistant messages carry reasoning, not {role:?}"),
            ));
        }
        self::thinking_blocks(thinking_blocks, tool_calls.len(), i)?;
        if !ROLES.contains(&role) {
            return Err(Error::invalid(
                format!("messages[{i}].role"),
                format!("unknown role {role:?}; expected system, developer, user, assistant or tool"),
            ));
        }
        if let Some(name) = name {
            bounded(&format!("messages[{i}].name"), name, MAX_ID_CHARS)?;
        }
        if !tool_calls.is_empty() && role != "assistant" {
            return Err(Error::invalid(
                format!("messages[{i}].tool_calls"),
                format!("only assistant messages carry tool calls, not {role:?}"),
            ));
        }
        if tool_call_id.is_some() && role != "tool" {
            return Err(Error::invalid(
                format!("messages[{i}].tool_call_id"),
                format!("only tool messages answer a tool call, not {role:?}"),
            ));
        }
        if role != "tool" && !unanswered.is_empty() {
            return Err(unanswered_calls(i, &unanswered));
        }
        parts(content.as_ref(), role, i)?;
        match role {
            "system" | "developer" => {
                if is_blank_content(content.as_ref()) {
                    return Err(Error::invalid(
                        format!("messages[{i}].content"),
                        format!("a {role} message must not be empty or blank"),
                    ));
                }
                continue;
            }
            "user" => {
                if is_blank_content(content.as_ref()) {
                    return Err(Error::invalid(
                        format!("messages[{i}].content"),
                        "a user message must not be empty or blank",
                    ));
                }
            }
            "assistant" => {
                if tool_calls.len() > MAX_TOOL_CALLS {
                    return Err(Error::invalid(
                        format!("messages[{i}].tool_calls"),
                        format!("holds {} calls; at most {MAX_TOOL_CALLS}", tool_calls.len()),
                    ));
                }
                for (j, call) in tool_calls.iter().enumerate() {
                    tool_call(call, i, j)?;
                    unanswered.push(&call.id);
                }
                if tool_calls.is_empty() && is_blank_content(content.as_ref()) {
                    return Err(Error::invalid(
                        format!("messages[{i}].content"),
                        "an assistant message needs content or tool_calls",
                    ));
                }
            }
            _tool => {
                let id = tool_call_id.as_deref().unwrap_or_default();
                if id.is_empty() {
                    return Err(Error::invalid(
                        format!("messages[{i}].tool_call_id"),
                        "is required for a tool message",
                    ));
                }
                let Some(position) = unanswered.iter().position(|pending| *pending == id) else {
                    return Err(Error::invalid(
                        format!("messages[{i}].tool_call_id"),
                        format!(
                            "{id:?} does not match a tool call of the preceding assistant message (or was already answered)"
                        ),
                    ));
                };
                unanswered.remove(position);
            }
        }
        first_turn.get_or_insert(role);
    }
    if !unanswered.is_empty() {
        return Err(unanswered_calls(usize::MAX, &unanswered));
    }
    match first_turn {
        None => Err(Error::invalid("messages", "needs at least one user message besides system messages")),
        Some("user") => Ok(()),
        Some(_) => Err(Error::invalid(
            "messages",
            "the first message after the system messages must come from the user (Bedrock requires it)",
        )),
    }
}

/// `index` is the message that should have answered them, or `usize::MAX` when none did.
fn unanswered_calls(index: usize, ids: &[&str]) -> Error {
    let field =
        if index > 0 && index < usize::MAX { format!("messages[{index}]") } else { "messages".to_owned() };
    Error::invalid(
        field,
        format!(
            "tool call(s) {ids:?} of the preceding assistant message have no tool message answering them"
        ),
    )
}

/// Parts: text everywhere, images and documents in user messages only, none empty.
fn parts(content: Option<&api::message::Content>, role: &str, i: usize) -> Result<()> {
    use api::content_part::Part;
    let Some(api::message::Content::Parts(api::ContentParts { parts })) = content else {
        return Ok(());
    };
    if parts.len() > MAX_PARTS {
        return Err(Error::invalid(
            format!("messages[{i}].content.parts"),
            format!("holds {} parts; at most {MAX_PARTS}", parts.len()),
        ));
    }
    for (j, api::ContentPart { part, cache_control }) in parts.iter().enumerate() {
        if let Some(marker) = cache_control {
            super::cache_control(&format!("messages[{i}].content.parts[{j}].cache_control"), marker)?;
        }
        match part {
            Some(Part::Text(_)) => {}
            Some(Part::ImageUrl(api::ImageUrl { url, detail: _ })) if role == "user" => {
                let field = format!("messages[{i}].content.parts[{j}].image_url.url");
                if let Some(location) = s3::parse(url, &field)? {
                    location.image_kind(&field)?;
                } else if crate::fetch::Fetcher::is_remote(url) {
                    // The fetcher judges the URL itself (its policy is the server's configuration).
                    bounded(&field, url, MAX_IMAGE_URL_CHARS)?;
                } else {
                    data_url::check(url, &field)?;
                }
            }
            Some(Part::ImageUrl(_)) => {
                return Err(Error::invalid(
                    format!("messages[{i}].content.parts[{j}]"),
                    format!("images are only accepted in user messages, not {role:?} messages"),
                ));
            }
            Some(Part::Document(document)) if role == "user" => {
                documents::check(document, &format!("messages[{i}].content.parts[{j}].document"))?;
            }
            Some(Part::Document(_)) => {
                return Err(Error::invalid(
                    format!("messages[{i}].content.parts[{j}]"),
                    format!("documents are only accepted in user messages, not {role:?} messages"),
                ));
            }
            None => return Err(Error::invalid(format!("messages[{i}].content.parts[{j}]"), "is empty")),
        }
    }
    Ok(())
}

/// The most reasoning blocks in one assistant message.
pub const MAX_THINKING_BLOCKS: usize = 128;

/// Reasoning blocks replayed in an assistant message: whole, as Bedrock returned them.
fn thinking_blocks(blocks: &[api::ThinkingBlock], tool_calls: usize, i: usize) -> Result<()> {
    if blocks.len() > MAX_THINKING_BLOCKS {
        return Err(Error::invalid(
            format!("messages[{i}].thinking_blocks"),
            format!("holds {} blocks; at most {MAX_THINKING_BLOCKS}", blocks.len()),
        ));
    }
    for (j, block) in blocks.iter().enumerate() {
        let api::ThinkingBlock { r#type, thinking, signature, data, tool_calls_before } = block;
        let field = |name: &str| format!("messages[{i}].thinking_blocks[{j}].{name}");
        match r#type.as_str() {
            "thinking" => {
                if thinking.is_none() {
                    return Err(Error::invalid(field("thinking"), "is required for a \"thinking\" block"));
                }
                if signature.as_deref().is_none_or(str::is_empty) {
                    return Err(Error::invalid(
                        field("signature"),
                        "is required: send the block back exactly as the answer carried it",
                    ));
                }
            }
            "redacted_thinking" => {
                let valid = data.as_deref().is_some_and(|d| {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.decode(d).is_ok()
                });
                if !valid {
                    return Err(Error::invalid(
                        field("data"),
                        "must be the block's base64 data, as the answer carried it",
                    ));
                }
            }
            other => {
                return Err(Error::invalid(
                    field("type"),
                    format!("{other:?}; expected \"thinking\" or \"redacted_thinking\""),
                ));
            }
        }
        if tool_calls_before.is_some_and(|n| n as usize > tool_calls) {
            return Err(Error::invalid(
                field("tool_calls_before"),
                format!("is more than the message's {tool_calls} tool calls"),
            ));
        }
    }
    Ok(())
}

/// Whether content holds nothing Bedrock would accept: no part but blank text.
fn is_blank_content(content: Option<&api::message::Content>) -> bool {
    use api::content_part::Part;
    match content {
        None => true,
        Some(api::message::Content::Text(text)) => is_blank(text),
        Some(api::message::Content::Parts(parts)) => parts.parts.iter().all(|part| match &part.part {
            Some(Part::Text(text)) => is_blank(text),
            _ => false,
        }),
    }
}

/// Bedrock rejects blank text blocks without naming the field, so they are caught here (and the
/// mapping leaves blank parts out).
pub fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn tool_call(call: &api::ToolCall, i: usize, j: usize) -> Result<()> {
    let api::ToolCall { id, r#type, function } = call;
    let field = |name: &str| format!("messages[{i}].tool_calls[{j}].{name}");
    if id.is_empty() {
        return Err(Error::invalid(field("id"), "is required"));
    }
    bounded(&field("id"), id, MAX_ID_CHARS)?;
    if !(r#type.is_empty() || r#type == "function") {
        return Err(Error::invalid(field("type"), format!("{type:?} is not supported; use \"function\"")));
    }
    let Some(api::FunctionCall { name, arguments }) = function else {
        return Err(Error::invalid(field("function"), "is required"));
    };
    // Not held to the tool-name rule: with tools off, history is rendered as text and any name goes.
    bounded(&field("function.name"), name, MAX_ID_CHARS)?;
    if !arguments.trim().is_empty() {
        super::json::object(&field("function.arguments"), arguments)?;
    }
    Ok(())
}
