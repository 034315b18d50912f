//! Builders the doors share to turn their turns into the proto's messages (the Anthropic and
//! Bedrock doors both split a user turn into tool results, then the turn's other blocks, and
//! gather an assistant turn's blocks into one message).

use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// A text part with no cache marker.
pub fn text_part(text: String) -> api::ContentPart {
    api::ContentPart { part: Some(api::content_part::Part::Text(text)), cache_control: None }
}

/// A user turn's messages: `messages` (its tool results, first, as Bedrock wants them) then a user
/// message with `parts`; an error naming `messages[i].content` when the turn held nothing.
pub fn user_turn(
    i: usize,
    mut messages: Vec<api::Message>,
    parts: Vec<api::ContentPart>,
) -> Result<Vec<api::Message>> {
    if !parts.is_empty() {
        messages.push(api::Message {
            role: "user".to_owned(),
            content: Some(api::message::Content::Parts(api::ContentParts { parts })),
            ..Default::default()
        });
    }
    if messages.is_empty() {
        return Err(Error::invalid(
            format!("messages[{i}].content"),
            "a user turn must hold at least one block",
        ));
    }
    Ok(messages)
}

/// An assistant turn as one message: its text parts (none: no content), tool calls, reasoning
/// blocks (placed by their `tool_calls_before`) and the cache marker of the whole turn.
pub fn assistant_turn(
    parts: Vec<api::ContentPart>,
    tool_calls: Vec<api::ToolCall>,
    thinking_blocks: Vec<api::ThinkingBlock>,
    cache_control: Option<api::CacheControl>,
) -> api::Message {
    let content = (!parts.is_empty()).then_some(api::message::Content::Parts(api::ContentParts { parts }));
    api::Message {
        role: "assistant".to_owned(),
        content,
        tool_calls,
        thinking_blocks,
        cache_control,
        ..Default::default()
    }
}
