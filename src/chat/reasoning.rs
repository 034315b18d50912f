//! Reasoning (extended thinking): what a request's `reasoning_effort` or `thinking` means for the
//! model it is routed to, decided once, before the Bedrock mapping.
//!
//! | family | Bedrock takes | `reasoning_effort` levels |
//! |---|---|---|
//! | Claude 3.7 Sonnet, Claude 4, 4.1, 4.5 | `thinking: {type: "enabled", budget_tokens}` | the budget per level ([`Budgets`], `--reasoning-budgets`) |
//! | newest Claude (4.6, 4.7) | `thinking: {type: "adaptive"}` and `outputConfig.effort` | minimal/low → low, medium, high, xhigh/max → max |
//! | Amazon Nova 2 | `reasoningConfig: {type: "enabled", maxReasoningEffort}` | minimal/low → low, medium, high/xhigh/max → high |
//! | OpenAI gpt-oss | `reasoning_effort` | as Nova 2 |
//! | DeepSeek-R1 | nothing: it always reasons | any level but `none` |
//!
//! With Claude's thinking on, Bedrock requires the temperature unset or 1, `top_p` unset or at least
//! 0.95, a tool choice of `auto` or `none`, and an output limit above the thinking budget: these are
//! checked here with an error naming the fields. A tool-calling assistant turn replayed without its
//! thinking blocks (most OpenAI clients drop unknown fields) cannot continue with thinking on, so
//! such a request is answered with thinking off, and the log says why.

use crate::catalog::features::{self, Reasoning};
use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// The `reasoning_effort` values of OpenAI's API.
pub const EFFORTS: &[&str] = &["none", "minimal", "low", "medium", "high", "xhigh", "max"];
/// Claude's smallest thinking budget.
pub const MIN_BUDGET_TOKENS: u32 = 1024;
/// Output room left for the answer above the thinking budget when the caller sets no limit.
pub const ANSWER_TOKENS: u32 = 4096;
/// Keys of `additional_model_request_fields` that switch reasoning on by hand.
const RAW_KEYS: &[&str] = &["thinking", "reasoningConfig", "reasoning_effort", "reasoning_config"];

/// Thinking budgets per `reasoning_effort` level, for the budget-taking Claude models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// `minimal`.
    pub minimal: u32,
    /// `low`.
    pub low: u32,
    /// `medium`.
    pub medium: u32,
    /// `high`.
    pub high: u32,
    /// `xhigh`.
    pub xhigh: u32,
}

impl Default for Budgets {
    fn default() -> Self {
        Self { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768 }
    }
}

impl Budgets {
    /// Parses `minimal=1024,low=2048,...` (levels left out keep their default).
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut budgets = Self::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (level, tokens) =
                pair.split_once('=').ok_or_else(|| format!("{pair:?}: expected LEVEL=TOKENS"))?;
            let tokens: u32 = tokens
                .trim()
                .parse()
                .map_err(|_| format!("{pair:?}: {tokens:?} is not a number of tokens"))?;
            if tokens < MIN_BUDGET_TOKENS {
                return Err(format!("{pair:?}: a thinking budget is at least {MIN_BUDGET_TOKENS} tokens"));
            }
            match level.trim() {
                "minimal" => budgets.minimal = tokens,
                "low" => budgets.low = tokens,
                "medium" => budgets.medium = tokens,
                "high" => budgets.high = tokens,
                "xhigh" => budgets.xhigh = tokens,
                other => {
                    return Err(format!(
                        "{other:?} is not a reasoning level (minimal, low, medium, high, xhigh)"
                    ));
                }
            }
        }
        Ok(budgets)
    }

    fn for_level(&self, level: &str) -> u32 {
        match level {
            "minimal" => self.minimal,
            "low" => self.low,
            "medium" => self.medium,
            "high" => self.high,
            // xhigh and max
            _ => self.xhigh,
        }
    }
}

/// What to send Bedrock for reasoning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No reasoning asked for.
    Off,
    /// Reasoning asked for in `additional_model_request_fields` by hand: sent as given; reasoning
    /// history is replayed.
    Raw,
    /// Claude: `thinking: {type: "enabled", budget_tokens}`, with this output limit.
    Budget {
        /// Thinking tokens.
        budget: u32,
        /// Converse's maxTokens (above the budget).
        max_tokens: u32,
    },
    /// The newest Claude: adaptive thinking, with an effort when one was asked for.
    Adaptive {
        /// `outputConfig.effort`.
        effort: Option<&'static str>,
    },
    /// Amazon Nova 2's reasoning config.
    Nova {
        /// `maxReasoningEffort`.
        effort: &'static str,
    },
    /// gpt-oss's `reasoning_effort`.
    GptOss {
        /// The effort.
        effort: &'static str,
    },
    /// A model that always reasons: nothing to send.
    AlwaysOn,
}

impl Plan {
    /// Whether the assistant turns' reasoning blocks go back to Bedrock: for Claude with thinking
    /// on, which needs them. With thinking off Claude refuses them in the final assistant turn, and
    /// other families refuse signatures, so they are left out.
    pub fn replays_reasoning(&self, model_id: &str) -> bool {
        let claude = matches!(
            features::of(model_id).reasoning,
            Some(Reasoning::AnthropicBudget | Reasoning::AnthropicAdaptive)
        );
        claude && matches!(self, Plan::Raw | Plan::Budget { .. } | Plan::Adaptive { .. })
    }

    /// Whether Claude's thinking rules apply (and a models-file default temperature does not).
    pub fn is_claude_thinking(&self) -> bool {
        matches!(self, Plan::Budget { .. } | Plan::Adaptive { .. })
    }
}

/// Decides the plan for `request`, routed to `model_id`. `caller_max_tokens` is the output limit
/// the caller set (not a models-file default), which the thinking budget must stay below.
pub fn plan(
    request: &api::ChatCompletionRequest,
    model_id: &str,
    caller_max_tokens: Option<u32>,
    default_max_tokens: Option<u32>,
    budgets: &Budgets,
) -> Result<Plan> {
    let asked = asked(request);
    let raw = raw_reasoning_key(request);
    match (&asked, raw) {
        (Asked::Nothing, Some(_)) => return Ok(Plan::Raw),
        (Asked::Nothing, None) => return Ok(Plan::Off),
        (_, Some(key)) => {
            return Err(Error::invalid(
                asked.field(),
                format!(
                    "reasoning is also set in additional_model_request_fields.{key}; set it in one place"
                ),
            ));
        }
        _ => {}
    }
    let family = features::of(model_id).reasoning;
    let plan = match (family, &asked) {
        (_, Asked::Nothing) => Plan::Off,
        (_, Asked::Effort("none") | Asked::Thinking { kind: "disabled", .. }) => match family {
            Some(Reasoning::AlwaysOn) => {
                return Err(Error::invalid(
                    asked.field(),
                    format!("model {model_id:?} always reasons; its reasoning cannot be switched off"),
                ));
            }
            _ => Plan::Off,
        },
        (None, _) => {
            return Err(Error::invalid(
                asked.field(),
                format!(
                    "model {model_id:?} cannot reason (models that can: Claude 3.7 Sonnet and later, Amazon Nova 2, \
                     OpenAI gpt-oss, DeepSeek-R1)"
                ),
            ));
        }
        (Some(Reasoning::AnthropicBudget), Asked::Effort(level)) => {
            budget_plan(budgets.for_level(level), false, caller_max_tokens, default_max_tokens)?
        }
        (
            Some(Reasoning::AnthropicBudget | Reasoning::AnthropicAdaptive),
            Asked::Thinking { kind: "enabled", budget },
        ) => budget_plan(budget.unwrap_or(MIN_BUDGET_TOKENS), true, caller_max_tokens, default_max_tokens)?,
        (Some(Reasoning::AnthropicBudget), Asked::Thinking { .. }) => {
            return Err(Error::invalid(
                "thinking.type",
                format!(
                    "model {model_id:?} takes thinking of type \"enabled\" with budget_tokens, not adaptive"
                ),
            ));
        }
        (Some(Reasoning::AnthropicAdaptive), Asked::Effort(level)) => {
            Plan::Adaptive { effort: Some(claude_effort(level)) }
        }
        (Some(Reasoning::AnthropicAdaptive), Asked::Thinking { .. }) => Plan::Adaptive { effort: None },
        (Some(Reasoning::Nova | Reasoning::GptOss | Reasoning::AlwaysOn), Asked::Thinking { .. }) => {
            return Err(Error::invalid(
                "thinking",
                format!("`thinking` is Claude's setting; for model {model_id:?} use reasoning_effort"),
            ));
        }
        (Some(Reasoning::Nova), Asked::Effort(level)) => Plan::Nova { effort: three_levels(level) },
        (Some(Reasoning::GptOss), Asked::Effort(level)) => Plan::GptOss { effort: three_levels(level) },
        (Some(Reasoning::AlwaysOn), Asked::Effort(_)) => Plan::AlwaysOn,
    };
    if plan.is_claude_thinking() {
        claude_rules(request, asked.field())?;
        if let Some(index) = unreplayable_turn(request) {
            tracing::warn!(
                "thinking switched off for this request: messages[{index}] calls tools but came back without its \
                 thinking_blocks, and Claude cannot continue a tool loop with thinking on without them"
            );
            return Ok(Plan::Off);
        }
    }
    Ok(plan)
}

/// What the request asked for.
enum Asked<'a> {
    Nothing,
    Effort(&'a str),
    Thinking { kind: &'a str, budget: Option<u32> },
}

impl Asked<'_> {
    fn field(&self) -> &'static str {
        match self {
            Asked::Thinking { .. } => "thinking",
            _ => "reasoning_effort",
        }
    }
}

fn asked(request: &api::ChatCompletionRequest) -> Asked<'_> {
    match (&request.reasoning_effort, &request.thinking) {
        (Some(effort), _) => Asked::Effort(effort.as_str()),
        (None, Some(api::Thinking { r#type, budget_tokens })) => {
            Asked::Thinking { kind: r#type.as_str(), budget: *budget_tokens }
        }
        (None, None) => Asked::Nothing,
    }
}

/// The key of `additional_model_request_fields` that switches reasoning on by hand, if any.
fn raw_reasoning_key(request: &api::ChatCompletionRequest) -> Option<&'static str> {
    // Parsed once (validation has checked it is an object).
    let parsed = request
        .additional_model_request_fields_json
        .as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok());
    let has = |key: &str| {
        request.additional_model_request_fields.as_ref().is_some_and(|s| s.fields.contains_key(key))
            || parsed.as_ref().is_some_and(|map| map.contains_key(key))
    };
    RAW_KEYS.iter().copied().find(|key| has(key))
}

fn budget_plan(budget: u32, explicit: bool, caller: Option<u32>, default: Option<u32>) -> Result<Plan> {
    let field = "max_tokens";
    match caller {
        Some(limit) if limit > budget => Ok(Plan::Budget { budget, max_tokens: limit }),
        // A level's budget shrinks to fit the caller's limit, as OpenAI's limit counts reasoning too.
        Some(limit) if !explicit && limit > MIN_BUDGET_TOKENS => {
            Ok(Plan::Budget { budget: limit - 1, max_tokens: limit })
        }
        Some(limit) if explicit => Err(Error::invalid(
            field,
            format!(
                "{limit} must be above thinking.budget_tokens ({budget}): Bedrock counts the thinking in it"
            ),
        )),
        Some(limit) => Err(Error::invalid(
            field,
            format!(
                "{limit} leaves no room for reasoning: with reasoning on it must be above {MIN_BUDGET_TOKENS}"
            ),
        )),
        None => Ok(Plan::Budget { budget, max_tokens: default.unwrap_or(0).max(budget + ANSWER_TOKENS) }),
    }
}

/// Bedrock's rules for Claude with thinking on, checked before Bedrock would refuse.
fn claude_rules(request: &api::ChatCompletionRequest, cause: &str) -> Result<()> {
    if let Some(t) = request.temperature
        && t != 1.0
    {
        return Err(Error::invalid(
            "temperature",
            format!("{t}: with {cause} on, Claude takes only 1 (or leave it unset)"),
        ));
    }
    if let Some(p) = request.top_p
        && p < 0.95
    {
        return Err(Error::invalid(
            "top_p",
            format!("{p}: with {cause} on, Claude takes 0.95 to 1 (or leave it unset)"),
        ));
    }
    use api::tool_choice::Choice;
    match request.tool_choice.as_ref().and_then(|c| c.choice.as_ref()) {
        Some(Choice::Mode(mode)) if mode == "required" => Err(forced_tool(cause)),
        Some(Choice::Function(_)) => Err(forced_tool(cause)),
        _ => Ok(()),
    }
}

fn forced_tool(cause: &str) -> Error {
    Error::invalid(
        "tool_choice",
        format!("with {cause} on, Claude takes only \"auto\" or \"none\", not a forced tool"),
    )
}

/// The last assistant message, if it calls tools without the thinking blocks it came with.
fn unreplayable_turn(request: &api::ChatCompletionRequest) -> Option<usize> {
    let (index, last) = request.messages.iter().enumerate().rev().find(|(_, m)| m.role == "assistant")?;
    (!last.tool_calls.is_empty() && last.thinking_blocks.is_empty()).then_some(index)
}

fn claude_effort(level: &str) -> &'static str {
    match level {
        "minimal" | "low" => "low",
        "medium" => "medium",
        "high" => "high",
        _ => "max",
    }
}

fn three_levels(level: &str) -> &'static str {
    match level {
        "minimal" | "low" => "low",
        "medium" => "medium",
        _ => "high",
    }
}

#[cfg(test)]
mod tests;
