//! The model names Anthropic's API uses (`claude-sonnet-4-5`, `claude-3-5-haiku-latest`, ...) and
//! the Bedrock model ids they stand for, so clients written for Anthropic's API (its SDKs, Claude
//! Code, agent frameworks) work with the names they already send. They resolve like aliases of
//! the models file, on every door; an alias of the models file with the same name wins, and an
//! alias may point at one of these names.
//!
//! Undated names (`claude-sonnet-4-5`) and `-latest` names stand for the dated model Anthropic
//! points them at. Routing then picks the inference profile for the server's region, as for any
//! Bedrock id.

/// (Anthropic's name, Bedrock model id), sorted by name.
#[rustfmt::skip]
pub const NAMES: &[(&str, &str)] = &[
    ("claude-3-5-haiku-20241022", "anthropic.claude-3-5-haiku-20241022-v1:0"),
    ("claude-3-5-haiku-latest", "anthropic.claude-3-5-haiku-20241022-v1:0"),
    ("claude-3-5-sonnet-20240620", "anthropic.claude-3-5-sonnet-20240620-v1:0"),
    ("claude-3-5-sonnet-20241022", "anthropic.claude-3-5-sonnet-20241022-v2:0"),
    ("claude-3-5-sonnet-latest", "anthropic.claude-3-5-sonnet-20241022-v2:0"),
    ("claude-3-7-sonnet-20250219", "anthropic.claude-3-7-sonnet-20250219-v1:0"),
    ("claude-3-7-sonnet-latest", "anthropic.claude-3-7-sonnet-20250219-v1:0"),
    ("claude-3-haiku-20240307", "anthropic.claude-3-haiku-20240307-v1:0"),
    ("claude-3-opus-20240229", "anthropic.claude-3-opus-20240229-v1:0"),
    ("claude-3-opus-latest", "anthropic.claude-3-opus-20240229-v1:0"),
    ("claude-3-sonnet-20240229", "anthropic.claude-3-sonnet-20240229-v1:0"),
    ("claude-haiku-4-5", "anthropic.claude-haiku-4-5-20251001-v1:0"),
    ("claude-haiku-4-5-20251001", "anthropic.claude-haiku-4-5-20251001-v1:0"),
    ("claude-opus-4-0", "anthropic.claude-opus-4-20250514-v1:0"),
    ("claude-opus-4-1", "anthropic.claude-opus-4-1-20250805-v1:0"),
    ("claude-opus-4-1-20250805", "anthropic.claude-opus-4-1-20250805-v1:0"),
    ("claude-opus-4-20250514", "anthropic.claude-opus-4-20250514-v1:0"),
    ("claude-opus-4-5", "anthropic.claude-opus-4-5-20251101-v1:0"),
    ("claude-opus-4-5-20251101", "anthropic.claude-opus-4-5-20251101-v1:0"),
    ("claude-opus-4-6", "anthropic.claude-opus-4-6-v1"),
    ("claude-sonnet-4-0", "anthropic.claude-sonnet-4-20250514-v1:0"),
    ("claude-sonnet-4-20250514", "anthropic.claude-sonnet-4-20250514-v1:0"),
    ("claude-sonnet-4-5", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ("claude-sonnet-4-5-20250929", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
];

/// The Bedrock model id an Anthropic model name stands for.
pub fn bedrock_id(name: &str) -> Option<&'static str> {
    NAMES.binary_search_by(|(known, _)| known.cmp(&name)).ok().map(|i| NAMES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_unique_and_point_at_anthropic_models() {
        assert!(NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0), "sorted, for binary search");
        for (name, id) in NAMES {
            assert_eq!(bedrock_id(name), Some(*id));
            assert!(id.starts_with("anthropic.claude-"), "{name} -> {id}");
        }
        assert_eq!(bedrock_id("claude-sonnet-4-5"), Some("anthropic.claude-sonnet-4-5-20250929-v1:0"));
        assert_eq!(bedrock_id("anthropic.claude-3-haiku-20240307-v1:0"), None, "Bedrock ids are not names");
    }

    /// Every name stands for a built-in model, except the Opus models the built-in table lacks
    /// (served when the control plane lists them).
    #[test]
    fn names_point_at_built_in_models_or_at_known_newer_ones() {
        let not_built_in = [
            "anthropic.claude-opus-4-20250514-v1:0",
            "anthropic.claude-opus-4-1-20250805-v1:0",
            "anthropic.claude-opus-4-5-20251101-v1:0",
        ];
        for (name, id) in NAMES {
            let built_in = crate::catalog::built_in::find(id).is_some();
            assert!(built_in != not_built_in.contains(id), "{name} -> {id}");
        }
    }
}
