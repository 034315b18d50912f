//! What a model can do beyond plain chat, by model family: how it reasons, whether and where it
//! takes prompt-cache points, and whether Bedrock offers native structured output for it. Facts
//! from Bedrock's model documentation; a model id the table does not know gets none of these, and
//! requests that need them say so with a 400 rather than guess.
//!
//! Ids match by prefix after the inference-profile prefix (`us.`, `eu.`, `global.`, ...) is dropped,
//! so `us.anthropic.claude-sonnet-4-20250514-v1:0` is the Sonnet 4 family.

/// How a model family is asked to reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reasoning {
    /// Claude with `thinking: {type: "enabled", budget_tokens}` (Claude 3.7 Sonnet, Claude 4 and 4.5).
    AnthropicBudget,
    /// The newest Claude (4.6, 4.7): `thinking: {type: "adaptive"}` with `outputConfig.effort`;
    /// `enabled` is deprecated there (4.6) or refused (4.7).
    AnthropicAdaptive,
    /// Amazon Nova 2: `reasoningConfig: {type: "enabled", maxReasoningEffort}`.
    Nova,
    /// OpenAI's gpt-oss: `reasoning_effort` in the model's own fields.
    GptOss,
    /// Always reasons, with no setting (DeepSeek-R1).
    AlwaysOn,
}

/// Where a model takes prompt-cache points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromptCache {
    /// In the tool configuration too (Claude), not only system and messages (Nova).
    pub in_tools: bool,
    /// Whether the one-hour TTL is offered besides the default five minutes.
    pub one_hour: bool,
}

/// What one model family can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Features {
    /// How it reasons, if it can.
    pub reasoning: Option<Reasoning>,
    /// Prompt caching, if offered.
    pub prompt_cache: Option<PromptCache>,
    /// Whether Converse's `outputConfig.textFormat` (native JSON-schema output) is offered.
    pub native_structured_output: bool,
}

const CLAUDE_CACHE: Option<PromptCache> = Some(PromptCache { in_tools: true, one_hour: false });
const CLAUDE_CACHE_1H: Option<PromptCache> = Some(PromptCache { in_tools: true, one_hour: true });
const NOVA_CACHE: Option<PromptCache> = Some(PromptCache { in_tools: false, one_hour: false });

/// (id prefix, features), most specific first.
const TABLE: &[(&str, Features)] = &[
    ("anthropic.claude-opus-4-7", features(Some(Reasoning::AnthropicAdaptive), CLAUDE_CACHE_1H, false)),
    ("anthropic.claude-opus-4-6", features(Some(Reasoning::AnthropicAdaptive), CLAUDE_CACHE_1H, true)),
    ("anthropic.claude-sonnet-4-6", features(Some(Reasoning::AnthropicAdaptive), CLAUDE_CACHE_1H, false)),
    ("anthropic.claude-opus-4-5", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE_1H, true)),
    ("anthropic.claude-sonnet-4-5", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE_1H, true)),
    ("anthropic.claude-haiku-4-5", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE_1H, true)),
    ("anthropic.claude-opus-4-1", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE, false)),
    ("anthropic.claude-opus-4", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE, false)),
    ("anthropic.claude-sonnet-4", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE, false)),
    ("anthropic.claude-3-7-sonnet", features(Some(Reasoning::AnthropicBudget), CLAUDE_CACHE, false)),
    ("anthropic.claude-3-5-haiku", features(None, CLAUDE_CACHE, false)),
    ("amazon.nova-2", features(Some(Reasoning::Nova), NOVA_CACHE, false)),
    ("amazon.nova-premier", features(None, NOVA_CACHE, false)),
    ("amazon.nova-pro", features(None, NOVA_CACHE, false)),
    ("amazon.nova-lite", features(None, NOVA_CACHE, false)),
    ("amazon.nova-micro", features(None, NOVA_CACHE, false)),
    ("openai.gpt-oss", features(Some(Reasoning::GptOss), None, false)),
    ("deepseek.r1", features(Some(Reasoning::AlwaysOn), None, false)),
];

const fn features(reasoning: Option<Reasoning>, prompt_cache: Option<PromptCache>, native: bool) -> Features {
    Features { reasoning, prompt_cache, native_structured_output: native }
}

/// Whether Bedrock reads the model's images and documents from S3 locations itself: Amazon Nova's
/// multimodal models (Lite, Pro, Premier, Nova 2); Nova Micro takes text only, and other families
/// take bytes only.
pub fn reads_s3(model_id: &str) -> bool {
    let id = base_id(model_id);
    id.starts_with("amazon.nova") && !id.starts_with("amazon.nova-micro")
}

/// Inference-profile prefixes that come before a model id.
const PROFILE_PREFIXES: &[&str] = &["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"];

/// Whether `id` is a cross-region inference profile id (`us.anthropic...` and the like).
pub fn is_profile_id(id: &str) -> bool {
    id.split_once('.').is_some_and(|(prefix, rest)| PROFILE_PREFIXES.contains(&prefix) && rest.contains('.'))
}

/// The model id without its inference-profile prefix.
pub fn base_id(id: &str) -> &str {
    match id.split_once('.') {
        Some((_, rest)) if is_profile_id(id) => rest,
        _ => id,
    }
}

/// The features of a model id, profile id or (unknown: none) ARN.
pub fn of(model_id: &str) -> Features {
    let id = base_id(model_id);
    TABLE.iter().find(|(prefix, _)| id.starts_with(prefix)).map(|(_, f)| *f).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_match_through_profile_prefixes() {
        assert_eq!(
            of("us.anthropic.claude-sonnet-4-20250514-v1:0").reasoning,
            Some(Reasoning::AnthropicBudget)
        );
        assert_eq!(
            of("anthropic.claude-sonnet-4-5-20250929-v1:0").reasoning,
            Some(Reasoning::AnthropicBudget)
        );
        assert_eq!(of("global.anthropic.claude-opus-4-6-v1").reasoning, Some(Reasoning::AnthropicAdaptive));
        assert_eq!(of("anthropic.claude-3-haiku-20240307-v1:0"), Features::default());
        assert!(of("us.amazon.nova-pro-v1:0").prompt_cache.is_some_and(|c| !c.in_tools));
        assert_eq!(of("us.deepseek.r1-v1:0").reasoning, Some(Reasoning::AlwaysOn));
        assert_eq!(of("arn:aws:bedrock:us-east-1:1:application-inference-profile/x"), Features::default());
    }
}
