//! The plan per family, the rules with thinking on, and the fallback for replays without blocks.

use super::*;
use api::message::Content;

const SONNET_4: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";
const OPUS_4_6: &str = "global.anthropic.claude-opus-4-6-v1";
const HAIKU_3: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn ask(effort: Option<&str>) -> api::ChatCompletionRequest {
    api::ChatCompletionRequest {
        model: "m".into(),
        messages: vec![api::Message {
            role: "user".into(),
            content: Some(Content::Text("hi".into())),
            ..Default::default()
        }],
        reasoning_effort: effort.map(str::to_owned),
        ..Default::default()
    }
}

fn plan_for(request: &api::ChatCompletionRequest, model: &str) -> Result<Plan> {
    plan(request, model, request.max_tokens, None, &Budgets::default())
}

#[test]
fn each_family_gets_its_own_setting() {
    assert_eq!(
        plan_for(&ask(Some("low")), SONNET_4).unwrap(),
        Plan::Budget { budget: 2048, max_tokens: 2048 + ANSWER_TOKENS }
    );
    assert_eq!(plan_for(&ask(Some("xhigh")), OPUS_4_6).unwrap(), Plan::Adaptive { effort: Some("max") });
    assert_eq!(
        plan_for(&ask(Some("minimal")), "us.amazon.nova-2-lite-v1:0").unwrap(),
        Plan::Nova { effort: "low" }
    );
    assert_eq!(
        plan_for(&ask(Some("high")), "openai.gpt-oss-120b-1:0").unwrap(),
        Plan::GptOss { effort: "high" }
    );
    assert_eq!(plan_for(&ask(Some("medium")), "us.deepseek.r1-v1:0").unwrap(), Plan::AlwaysOn);
    assert_eq!(plan_for(&ask(Some("none")), SONNET_4).unwrap(), Plan::Off);
    assert_eq!(plan_for(&ask(None), SONNET_4).unwrap(), Plan::Off);
}

#[test]
fn a_model_that_cannot_reason_is_a_400_naming_field_and_model() {
    let error = plan_for(&ask(Some("low")), HAIKU_3).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("reasoning_effort"));
    assert!(error.message.contains(HAIKU_3), "{}", error.message);
    assert_eq!(plan_for(&ask(Some("none")), HAIKU_3).unwrap(), Plan::Off, "none is always fine");
    let error = plan_for(&ask(Some("none")), "us.deepseek.r1-v1:0").unwrap_err();
    assert!(error.message.contains("always reasons"), "{}", error.message);
}

#[test]
fn the_budget_stays_below_the_output_limit() {
    let mut request = ask(Some("high"));
    request.max_tokens = Some(5000);
    assert_eq!(plan_for(&request, SONNET_4).unwrap(), Plan::Budget { budget: 4999, max_tokens: 5000 });
    request.max_tokens = Some(900);
    assert_eq!(plan_for(&request, SONNET_4).unwrap_err().field.as_deref(), Some("max_tokens"));
    let mut explicit = ask(None);
    explicit.thinking = Some(api::Thinking { r#type: "enabled".into(), budget_tokens: Some(3000) });
    explicit.max_tokens = Some(3000);
    assert_eq!(plan_for(&explicit, SONNET_4).unwrap_err().field.as_deref(), Some("max_tokens"));
    explicit.max_tokens = Some(3001);
    assert_eq!(plan_for(&explicit, SONNET_4).unwrap(), Plan::Budget { budget: 3000, max_tokens: 3001 });
}

#[test]
fn claudes_rules_with_thinking_on_are_checked_up_front() {
    let mut hot = ask(Some("low"));
    hot.temperature = Some(0.2);
    assert_eq!(plan_for(&hot, SONNET_4).unwrap_err().field.as_deref(), Some("temperature"));
    let mut narrow = ask(Some("low"));
    narrow.top_p = Some(0.5);
    assert_eq!(plan_for(&narrow, SONNET_4).unwrap_err().field.as_deref(), Some("top_p"));
    let mut forced = ask(Some("low"));
    forced.tool_choice =
        Some(api::ToolChoice { choice: Some(api::tool_choice::Choice::Mode("required".into())) });
    assert_eq!(plan_for(&forced, SONNET_4).unwrap_err().field.as_deref(), Some("tool_choice"));
    let mut one = ask(Some("low"));
    one.temperature = Some(1.0);
    assert!(plan_for(&one, SONNET_4).is_ok());
}

#[test]
fn a_tool_turn_replayed_without_its_blocks_turns_thinking_off() {
    let mut request = ask(Some("low"));
    request.messages.push(api::Message {
        role: "assistant".into(),
        tool_calls: vec![api::ToolCall { id: "c1".into(), ..Default::default() }],
        ..Default::default()
    });
    request.messages.push(api::Message {
        role: "tool".into(),
        tool_call_id: Some("c1".into()),
        ..Default::default()
    });
    assert_eq!(plan_for(&request, SONNET_4).unwrap(), Plan::Off);
    request.messages[1].thinking_blocks = vec![api::ThinkingBlock {
        r#type: "thinking".into(),
        thinking: Some("t".into()),
        signature: Some("s".into()),
        ..Default::default()
    }];
    assert!(matches!(plan_for(&request, SONNET_4).unwrap(), Plan::Budget { .. }));
}

#[test]
fn reasoning_set_by_hand_is_passed_and_not_doubled() {
    let mut raw = ask(None);
    raw.additional_model_request_fields_json =
        Some(r#"{"thinking": {"type": "enabled", "budget_tokens": 2000}}"#.into());
    assert_eq!(plan_for(&raw, SONNET_4).unwrap(), Plan::Raw);
    assert!(Plan::Raw.replays_reasoning(SONNET_4));
    assert!(!Plan::Raw.replays_reasoning("openai.gpt-oss-120b-1:0"), "gpt-oss refuses signatures");
    raw.reasoning_effort = Some("low".into());
    assert_eq!(plan_for(&raw, SONNET_4).unwrap_err().field.as_deref(), Some("reasoning_effort"));
}

#[test]
fn budgets_parse_from_the_flag() {
    let budgets = Budgets::parse("low=4096, high=20000").unwrap();
    assert_eq!((budgets.low, budgets.high, budgets.medium), (4096, 20000, 8192));
    assert!(Budgets::parse("low=10").is_err());
    assert!(Budgets::parse("ultra=5000").is_err());
}
