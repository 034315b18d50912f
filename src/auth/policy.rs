//! Who is calling and what they may do: a named key's model list and limits.

use std::sync::Arc;

/// Limits of one key; unset means unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Requests per minute.
    pub requests_per_minute: Option<u32>,
    /// Tokens (input and output) per minute.
    pub tokens_per_minute: Option<u32>,
    /// Streams open at once.
    pub concurrent_streams: Option<u32>,
    /// Tokens per UTC day.
    pub tokens_per_day: Option<u64>,
}

/// A caller, as authentication found it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The key's name (`anonymous` when the server runs open, `default` for plain keys): this, and
    /// never the key, goes into logs, metrics and errors.
    pub name: Arc<str>,
    /// Model patterns (ids, aliases, `*` globs); empty means every model.
    pub models: Arc<[String]>,
    /// Its limits.
    pub limits: Limits,
}

impl Caller {
    /// A caller of a server without keys.
    pub fn anonymous() -> Self {
        Self { name: Arc::from("anonymous"), models: Arc::from(Vec::new()), limits: Limits::default() }
    }

    /// A caller with a plain key (`API_KEY`, `API_KEYS`, `API_KEYS_FILE`): every model, no limits.
    pub fn plain() -> Self {
        Self { name: Arc::from("default"), ..Self::anonymous() }
    }

    /// Whether the caller may use a model named `requested` (as the request says, alias or id) that
    /// resolves to `model_id`.
    pub fn may_use(&self, requested: &str, model_id: &str) -> bool {
        self.models.is_empty()
            || self.models.iter().any(|pattern| matches(pattern, requested) || matches(pattern, model_id))
            || self.models.iter().any(|pattern| matches(pattern, crate::catalog::features::base_id(model_id)))
    }
}

/// A pattern with `*` standing for any run of characters.
pub fn matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return pattern == text };
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last) && rest.len() >= last.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(matches("anthropic.claude-*", "anthropic.claude-3-haiku-20240307-v1:0"));
        assert!(matches("*haiku*", "us.anthropic.claude-3-5-haiku-20241022-v1:0"));
        assert!(matches("exact", "exact"));
        assert!(!matches("exact", "exactly"));
        assert!(!matches("anthropic.claude-*", "amazon.nova-pro-v1:0"));
        assert!(matches("a*b*c", "aXbYc") && !matches("a*b*c", "aXbY"));
    }

    #[test]
    fn a_key_uses_its_models_by_alias_id_or_profile() {
        let caller = Caller {
            models: Arc::from(vec!["anthropic.claude-*".to_owned(), "fast".to_owned()]),
            ..Caller::plain()
        };
        assert!(caller.may_use("fast", "amazon.nova-micro-v1:0"), "by alias");
        assert!(caller.may_use(
            "us.anthropic.claude-sonnet-4-20250514-v1:0",
            "us.anthropic.claude-sonnet-4-20250514-v1:0"
        ));
        assert!(!caller.may_use("amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"));
        assert!(Caller::anonymous().may_use("anything", "anything"));
    }
}
