//! Prompt-cache markers (`cache_control`) across a request: Bedrock takes at most four cache points,
//! and their TTLs may not grow along the prompt's order (tools, then system, then messages).

use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// Bedrock's limit of cache points per request.
pub const MAX_CACHE_POINTS: usize = 4;

/// Where a marker sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// On a tool definition.
    Tools,
    /// On a system (or developer) message or one of its parts.
    System,
    /// On a conversation message or one of its parts.
    Messages,
}

/// One marker: its field path, section and setting.
#[derive(Debug, Clone)]
pub struct Marker<'a> {
    /// `tools[0].cache_control`, `messages[2].content.parts[1].cache_control`.
    pub field: String,
    /// Where it sits.
    pub section: Section,
    /// The marker.
    pub control: &'a api::CacheControl,
}

impl Marker<'_> {
    /// The TTL in minutes (5 unless "1h").
    pub fn minutes(&self) -> u32 {
        if self.control.ttl.as_deref() == Some("1h") { 60 } else { 5 }
    }
}

/// Every marker, in the prompt's order: tools, then system, then messages.
pub fn markers(request: &api::ChatCompletionRequest) -> Vec<Marker<'_>> {
    let mut found = Vec::new();
    for (i, tool) in request.tools.iter().enumerate() {
        if let Some(control) = &tool.cache_control {
            found.push(Marker {
                field: format!("tools[{i}].cache_control"),
                section: Section::Tools,
                control,
            });
        }
    }
    for system in [true, false] {
        for (i, message) in request.messages.iter().enumerate() {
            let is_system = matches!(message.role.as_str(), "system" | "developer");
            if is_system != system {
                continue;
            }
            let section = if system { Section::System } else { Section::Messages };
            if let Some(api::message::Content::Parts(parts)) = &message.content {
                for (j, part) in parts.parts.iter().enumerate() {
                    if let Some(control) = &part.cache_control {
                        let field = format!("messages[{i}].content.parts[{j}].cache_control");
                        found.push(Marker { field, section, control });
                    }
                }
            }
            if let Some(control) = &message.cache_control {
                found.push(Marker { field: format!("messages[{i}].cache_control"), section, control });
            }
        }
    }
    found
}

/// At most four markers, and no TTL longer than one before it.
pub fn check(request: &api::ChatCompletionRequest) -> Result<()> {
    let markers = markers(request);
    if let Some(extra) = markers.get(MAX_CACHE_POINTS) {
        return Err(Error::invalid(
            &extra.field,
            format!(
                "is cache point {} of {}: Bedrock takes at most {MAX_CACHE_POINTS} per request",
                MAX_CACHE_POINTS + 1,
                markers.len()
            ),
        ));
    }
    let mut shortest = u32::MAX;
    for marker in &markers {
        if marker.minutes() > shortest {
            return Err(Error::invalid(
                format!("{}.ttl", marker.field),
                "is longer than the TTL of a cache point before it; Bedrock needs TTLs that do not grow along \
                 tools, system and messages",
            ));
        }
        shortest = shortest.min(marker.minutes());
    }
    Ok(())
}
