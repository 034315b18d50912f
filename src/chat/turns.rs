//! Builders the doors share to turn their turns into the proto's messages (the Anthropic and
//! Bedrock doors both split a user turn into tool results, then the turn's other blocks).

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
