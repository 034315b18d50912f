//! Bedrock's guardrail trace (`trace.guardrail` of Converse and of ConverseStream's metadata) as
//! JSON in Bedrock's own shape, for callers whose guardrail config asks for the trace. The SDK
//! parses the trace into types without a serializer, so this writes them back: the action reason,
//! the model output a guardrail replaced, and per guardrail the input and output assessments with
//! their content, topic, word, sensitive-information and contextual-grounding findings and the
//! processing latency. Automated-reasoning findings and usage units are left out (their shapes are
//! large and no caller has asked for them).

use aws_sdk_bedrockruntime::types::{GuardrailAssessment, GuardrailTraceAssessment};
use serde_json::{Map, Value, json};

/// The trace as JSON.
pub fn to_json(trace: &GuardrailTraceAssessment) -> Value {
    let mut out = Map::new();
    if let Some(reason) = trace.action_reason() {
        out.insert("actionReason".into(), json!(reason));
    }
    if !trace.model_output().is_empty() {
        out.insert("modelOutput".into(), json!(trace.model_output()));
    }
    if let Some(input) = trace.input_assessment() {
        let input: Map<String, Value> = input.iter().map(|(id, a)| (id.clone(), assessment(a))).collect();
        out.insert("inputAssessment".into(), Value::Object(input));
    }
    if let Some(outputs) = trace.output_assessments() {
        let outputs: Map<String, Value> = outputs
            .iter()
            .map(|(id, list)| (id.clone(), Value::Array(list.iter().map(assessment).collect())))
            .collect();
        out.insert("outputAssessments".into(), Value::Object(outputs));
    }
    Value::Object(out)
}

fn assessment(assessment: &GuardrailAssessment) -> Value {
    let mut out = Map::new();
    if let Some(policy) = assessment.content_policy() {
        let filters: Vec<Value> = policy
            .filters()
            .iter()
            .map(|f| {
                json!({
                    "type": f.r#type().as_str(), "confidence": f.confidence().as_str(),
                    "filterStrength": f.filter_strength().map(|s| s.as_str()),
                    "action": f.action().as_str(), "detected": f.detected(),
                })
            })
            .collect();
        out.insert("contentPolicy".into(), json!({ "filters": filters }));
    }
    if let Some(policy) = assessment.topic_policy() {
        let topics: Vec<Value> = policy
            .topics()
            .iter()
            .map(|t| {
                json!({"name": t.name(), "type": t.r#type().as_str(), "action": t.action().as_str(), "detected": t.detected()})
            })
            .collect();
        out.insert("topicPolicy".into(), json!({ "topics": topics }));
    }
    if let Some(policy) = assessment.word_policy() {
        let custom: Vec<Value> = policy
            .custom_words()
            .iter()
            .map(|w| json!({"match": w.r#match(), "action": w.action().as_str(), "detected": w.detected()}))
            .collect();
        let managed: Vec<Value> = policy
            .managed_word_lists()
            .iter()
            .map(|w| {
                json!({"match": w.r#match(), "type": w.r#type().as_str(), "action": w.action().as_str(), "detected": w.detected()})
            })
            .collect();
        out.insert("wordPolicy".into(), json!({ "customWords": custom, "managedWordLists": managed }));
    }
    if let Some(policy) = assessment.sensitive_information_policy() {
        let pii: Vec<Value> = policy
            .pii_entities()
            .iter()
            .map(|e| {
                json!({"match": e.r#match(), "type": e.r#type().as_str(), "action": e.action().as_str(), "detected": e.detected()})
            })
            .collect();
        let regexes: Vec<Value> = policy
            .regexes()
            .iter()
            .map(|r| {
                json!({"name": r.name(), "match": r.r#match(), "regex": r.regex(), "action": r.action().as_str(), "detected": r.detected()})
            })
            .collect();
        out.insert("sensitiveInformationPolicy".into(), json!({ "piiEntities": pii, "regexes": regexes }));
    }
    if let Some(policy) = assessment.contextual_grounding_policy() {
        let filters: Vec<Value> = policy
            .filters()
            .iter()
            .map(|f| {
                json!({
                    "type": f.r#type().as_str(), "threshold": f.threshold(), "score": f.score(),
                    "action": f.action().as_str(), "detected": f.detected(),
                })
            })
            .collect();
        out.insert("contextualGroundingPolicy".into(), json!({ "filters": filters }));
    }
    if let Some(latency) = assessment.invocation_metrics().and_then(|m| m.guardrail_processing_latency()) {
        out.insert("invocationMetrics".into(), json!({ "guardrailProcessingLatency": latency }));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_bedrockruntime::types::{
        GuardrailContentFilter, GuardrailContentFilterConfidence, GuardrailContentFilterType,
        GuardrailContentPolicyAction, GuardrailContentPolicyAssessment,
    };

    #[test]
    fn a_blocked_input_keeps_bedrocks_shape() {
        let filter = GuardrailContentFilter::builder()
            .r#type(GuardrailContentFilterType::Violence)
            .confidence(GuardrailContentFilterConfidence::High)
            .action(GuardrailContentPolicyAction::Blocked)
            .detected(true)
            .build()
            .unwrap();
        let assessment = GuardrailAssessment::builder()
            .content_policy(GuardrailContentPolicyAssessment::builder().filters(filter).build().unwrap())
            .build();
        let trace = GuardrailTraceAssessment::builder()
            .action_reason("Guardrail blocked.")
            .input_assessment("gr-1", assessment)
            .build();
        assert_eq!(
            to_json(&trace),
            json!({"actionReason": "Guardrail blocked.", "inputAssessment": {"gr-1": {"contentPolicy": {"filters": [
                {"type": "VIOLENCE", "confidence": "HIGH", "filterStrength": null, "action": "BLOCKED", "detected": true}]}}}})
        );
    }
}
