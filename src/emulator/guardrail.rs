//! The guardrail trace: with `guardrailConfig.trace` `enabled` or `enabled_full`, Bedrock answers
//! with `trace.guardrail` (a GuardrailTraceAssessment) in Converse's response and in
//! ConverseStream's `metadata` event; with `disabled` or no trace setting, no `trace` key.
//!
//! - When the guardrail intervened (the `[[emulator:guardrail]]` directive), the input assessment
//!   of the guardrail (keyed by `guardrailIdentifier`) has a content filter `VIOLENCE` with
//!   confidence and strength `HIGH`, `BLOCKED` and detected, and `actionReason` is
//!   `Guardrail blocked.`; there is no output assessment, since the model never ran.
//! - Otherwise the input and output assessments carry only invocation metrics, and
//!   `actionReason` is `No action.` (emulator wording).
//! - `enabled_full` also lists the filters that did not fire (`INSULTS`, `NONE`, not detected).
//!
//! Shapes: GuardrailTraceAssessment, GuardrailAssessment, GuardrailContentFilter,
//! GuardrailInvocationMetrics in <https://docs.aws.amazon.com/bedrock/latest/APIReference/>
//! (ConverseStream's response syntax); `Guardrail blocked.` is what Bedrock's assessments say when
//! they block.

use super::answer::Fault;
use serde_json::{Value, json};

/// Every trace setting.
const TRACES: &[&str] = &["enabled", "disabled", "enabled_full"];

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// The trace to answer with, if the request asked for one. `guarded` is the text the guardrail
/// read (its length is the coverage); `intervened` says whether it blocked the input.
pub fn trace(body: &Value, guarded: &str, intervened: bool) -> Result<Option<Value>, Fault> {
    let Some(config) = body.get("guardrailConfig").filter(|c| !c.is_null()) else { return Ok(None) };
    let setting = match &config["trace"] {
        Value::Null => "disabled",
        value => value.as_str().unwrap_or_default(),
    };
    if !TRACES.contains(&setting) {
        return Err(invalid(format!(
            "1 validation error detected: Value '{setting}' at 'guardrailConfig.trace' failed to satisfy constraint: \
             Member must satisfy enum value set: [{}]",
            TRACES.join(", ")
        )));
    }
    if setting == "disabled" {
        return Ok(None);
    }
    let full = setting == "enabled_full";
    let id = config["guardrailIdentifier"].as_str().unwrap_or_default();
    let characters = guarded.chars().count();
    let measured = metrics(characters);
    let mut filters = Vec::new();
    if intervened {
        filters.push(json!({"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": "HIGH", "action": "BLOCKED", "detected": true}));
    }
    if full {
        filters.push(json!({"type": "INSULTS", "confidence": "NONE", "filterStrength": "HIGH", "action": "NONE", "detected": false}));
    }
    let mut input = json!({"invocationMetrics": measured});
    if !filters.is_empty() {
        input["contentPolicy"] = json!({"filters": filters});
    }
    let mut guardrail = json!({"inputAssessment": {id: input}});
    if intervened {
        guardrail["actionReason"] = json!("Guardrail blocked.");
    } else {
        guardrail["outputAssessments"] = json!({id: [{"invocationMetrics": measured}]});
        guardrail["actionReason"] = json!("No action.");
    }
    Ok(Some(json!({"guardrail": guardrail})))
}

/// Invocation metrics for `characters` of guarded text: one content-policy unit per 1,000
/// characters, as AWS bills them.
fn metrics(characters: usize) -> Value {
    json!({
        "guardrailProcessingLatency": 12,
        "usage": {
            "topicPolicyUnits": 0,
            "contentPolicyUnits": characters.div_ceil(1000).max(1),
            "wordPolicyUnits": 0,
            "sensitiveInformationPolicyUnits": 0,
            "sensitiveInformationPolicyFreeUnits": 0,
            "contextualGroundingPolicyUnits": 0
        },
        "guardrailCoverage": {"textCharacters": {"guarded": characters, "total": characters}}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(trace: Option<&str>) -> Value {
        let mut config = json!({"guardrailIdentifier": "gr-abc123", "guardrailVersion": "1"});
        if let Some(trace) = trace {
            config["trace"] = json!(trace);
        }
        json!({"guardrailConfig": config})
    }

    #[test]
    fn no_trace_unless_asked() {
        assert_eq!(trace(&json!({}), "hi", true), Ok(None));
        assert_eq!(trace(&config(None), "hi", true), Ok(None));
        assert_eq!(trace(&config(Some("disabled")), "hi", true), Ok(None));
        let wrong = trace(&config(Some("verbose")), "hi", true).unwrap_err();
        assert!(
            wrong.2.ends_with("Member must satisfy enum value set: [enabled, disabled, enabled_full]"),
            "{wrong:?}"
        );
    }

    #[test]
    fn an_intervention_is_traced_as_a_blocked_input() {
        let traced = trace(&config(Some("enabled")), "bad words", true).unwrap().unwrap();
        let assessment = &traced["guardrail"]["inputAssessment"]["gr-abc123"];
        assert_eq!(
            assessment["contentPolicy"]["filters"],
            json!([{"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": "HIGH", "action": "BLOCKED", "detected": true}])
        );
        assert_eq!(assessment["invocationMetrics"]["guardrailCoverage"]["textCharacters"]["guarded"], 9);
        assert_eq!(assessment["invocationMetrics"]["usage"]["contentPolicyUnits"], 1);
        assert_eq!(traced["guardrail"]["actionReason"], "Guardrail blocked.");
        assert!(traced["guardrail"].get("outputAssessments").is_none());
    }

    #[test]
    fn a_pass_has_metrics_only_and_full_traces_list_every_filter() {
        let passed = trace(&config(Some("enabled")), "fine", false).unwrap().unwrap();
        assert!(passed["guardrail"]["inputAssessment"]["gr-abc123"].get("contentPolicy").is_none());
        assert!(passed["guardrail"]["outputAssessments"]["gr-abc123"][0]["invocationMetrics"].is_object());
        assert_eq!(passed["guardrail"]["actionReason"], "No action.");
        let full = trace(&config(Some("enabled_full")), "bad", true).unwrap().unwrap();
        let filters = &full["guardrail"]["inputAssessment"]["gr-abc123"]["contentPolicy"]["filters"];
        assert_eq!(filters.as_array().unwrap().len(), 2);
        assert_eq!(filters[1]["detected"], false);
    }
}
