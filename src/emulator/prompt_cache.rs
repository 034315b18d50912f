//! Bedrock's prompt cache, from the emulator's own list of which models cache: cache points
//! (`cachePoint` blocks in tools, system and messages) are checked as Bedrock checks them, and the
//! prompt up to each point is cached on first use and read back while its TTL lasts. A prefix below
//! the model's minimum is simply not cached, as on Bedrock.

use super::answer::Fault;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// (id prefix, minimum tokens per cache point, cache points allowed in tools, one-hour TTL).
const MODELS: &[(&str, u32, bool, bool)] = &[
    ("anthropic.claude-3-5-haiku", 2048, true, false),
    ("anthropic.claude-3-7-sonnet", 1024, true, false),
    ("anthropic.claude-haiku-4-5", 4096, true, true),
    ("anthropic.claude-opus-4-5", 4096, true, true),
    ("anthropic.claude-opus-4-6", 4096, true, true),
    ("anthropic.claude-opus-4", 1024, true, false),
    ("anthropic.claude-sonnet-4-5", 1024, true, true),
    ("anthropic.claude-sonnet-4", 1024, true, false),
    ("amazon.nova-", 1000, false, false),
];

/// The most cache points in one request.
const MAX_POINTS: usize = 4;

/// Cached prefixes: their hash, and when they expire.
#[derive(Debug, Default)]
pub struct PromptCache {
    entries: Mutex<HashMap<[u8; 32], Instant>>,
}

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

fn model(model_id: &str) -> Option<(u32, bool, bool)> {
    let id = super::world::base_model_id(model_id);
    MODELS
        .iter()
        .find(|(prefix, ..)| id.starts_with(prefix))
        .map(|(_, min, tools, hour)| (*min, *tools, *hour))
}

/// Tokens of one block, as the emulator counts prompts (words of text; a document a quarter of its
/// bytes; other blocks one each).
pub fn block_tokens(block: &Value) -> u32 {
    match (block.get("text"), block.get("cachePoint"), block.get("document")) {
        (Some(text), _, _) => text.as_str().unwrap_or_default().split_whitespace().count() as u32,
        (None, Some(_), _) => 0,
        (None, None, Some(document)) => super::documents::tokens(document),
        _ => 1,
    }
}

/// One cache point: the prefix's hash, its size in tokens, its TTL.
struct Point {
    key: [u8; 32],
    tokens: u32,
    ttl: Duration,
}

impl PromptCache {
    /// Checks the request's cache points and says what was read from and written to the cache
    /// (None: no cache points).
    pub fn apply(&self, model_id: &str, body: &Value) -> Result<Option<(u32, u32)>, Fault> {
        let points = points(body);
        if points.is_empty() {
            return Ok(None);
        }
        let Some((minimum, in_tools, one_hour)) = model(model_id) else {
            return Err(invalid(
                "You invoked an unsupported model or your request did not allow prompt caching. See the \
                 documentation for more information.",
            ));
        };
        if !in_tools && let Some(index) = points.iter().find_map(|(_, _, tool)| *tool) {
            return Err(invalid(format!(
                "Malformed input request: #/toolConfig/tools/{index}: extraneous key [cachePoint] is not permitted, \
                 please reformat your input and try again."
            )));
        }
        if points.len() > MAX_POINTS {
            return Err(invalid(format!(
                "A maximum of {MAX_POINTS} blocks with cache_control may be provided. Found {}.",
                points.len()
            )));
        }
        if !one_hour && points.iter().any(|(p, ..)| p.ttl > Duration::from_secs(300)) {
            return Err(invalid("The model does not support the 1h TTL for prompt caching."));
        }
        let eligible: Vec<&Point> = points.iter().map(|(p, ..)| p).filter(|p| p.tokens >= minimum).collect();
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|_, expires| *expires > now);
        let read =
            eligible.iter().filter(|p| entries.contains_key(&p.key)).map(|p| p.tokens).max().unwrap_or(0);
        let longest = eligible.iter().map(|p| p.tokens).max().unwrap_or(0);
        for point in &eligible {
            // Written on first use; a read refreshes the entry's TTL, as Bedrock's does.
            entries.insert(point.key, now + point.ttl);
        }
        Ok(Some((read, longest - read)))
    }
}

/// The cache points in prompt order (tools, system, messages): each with the hash and size of the
/// prompt before it, and its tool index when it sits in the tools.
fn points(body: &Value) -> Vec<(Point, (), Option<usize>)> {
    let mut hash = Sha256::new();
    let mut tokens = 0;
    let mut points = Vec::new();
    let mut visit = |blocks: &Value, in_tools: bool| {
        for (index, block) in blocks.as_array().into_iter().flatten().enumerate() {
            if let Some(point) = block.get("cachePoint") {
                let ttl =
                    if point["ttl"] == "1h" { Duration::from_secs(3600) } else { Duration::from_secs(300) };
                let key: [u8; 32] = hash.clone().finalize().into();
                points.push((Point { key, tokens, ttl }, (), in_tools.then_some(index)));
            } else {
                hash.update(block.to_string().as_bytes());
                if !in_tools {
                    tokens += block_tokens(block);
                }
            }
        }
    };
    visit(&body["toolConfig"]["tools"], true);
    visit(&body["system"], false);
    for message in body["messages"].as_array().into_iter().flatten() {
        visit(&message["content"], false);
    }
    points
}
