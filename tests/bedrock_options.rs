//! Bedrock's options that OpenAI clients ask for, through the real server and the emulator: service
//! tiers (sent, and the tier that served reported back), latency-optimised inference, and request
//! metadata for invocation logs (with the caller's key name).

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use common::*;
use serde_json::{Value, json};

/// A model Bedrock offers the flex and priority tiers for.
const NOVA_PRO: &str = "amazon.nova-pro-v1:0";

fn rest_body(model: &str, extra: Value) -> String {
    let mut body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body.to_string()
}

#[test]
fn service_tiers_are_sent_and_the_serving_tier_is_reported() {
    let stack = Stack::start();
    let response = curl_chat(&stack.server.url, None, &rest_body(NOVA_PRO, json!({"service_tier": "flex"})));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.json()["service_tier"], "flex");
    assert_eq!(stack.last_recorded()["body"]["serviceTier"], json!({"type": "flex"}));

    // `auto` is Bedrock's default: nothing is sent, and nothing is reported.
    let response = curl_chat(&stack.server.url, None, &rest_body(NOVA_PRO, json!({"service_tier": "auto"})));
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(response.json().get("service_tier").is_none(), "{}", response.body);
    assert!(stack.last_recorded()["body"].get("serviceTier").is_none());

    // A stream reports the tier in its last chunk.
    let body = rest_body(NOVA_PRO, json!({"service_tier": "priority", "stream": true}));
    let response = curl_chat(&stack.server.url, None, &body);
    let chunks = sse_events(&response.body);
    let tiers: Vec<&Value> = chunks.iter().filter_map(|c| c.get("service_tier")).collect();
    assert_eq!(tiers, vec![&json!("priority")], "once, in the last chunk: {}", response.body);
    assert!(chunks.last().unwrap().get("service_tier").is_some());
}

#[test]
fn a_tier_the_model_lacks_is_bedrocks_400() {
    let stack = Stack::start();
    let response = curl_chat(&stack.server.url, None, &rest_body(MODEL, json!({"service_tier": "flex"})));
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(stack.last_recorded()["body"]["serviceTier"], json!({"type": "flex"}));
    // OpenAI's `scale` (committed capacity) is Bedrock's reserved tier.
    let _ = curl_chat(&stack.server.url, None, &rest_body(MODEL, json!({"service_tier": "scale"})));
    assert_eq!(stack.last_recorded()["body"]["serviceTier"], json!({"type": "reserved"}));
}

#[tokio::test]
async fn the_tier_comes_back_on_grpc_too() {
    let stack = Stack::start();
    let request = api::ChatCompletionRequest { service_tier: Some("flex".into()), ..ask_grpc(NOVA_PRO) };
    let answer = stack.chat().await.chat_completion(request.clone()).await.unwrap().into_inner();
    assert_eq!(answer.service_tier.as_deref(), Some("flex"));
    let stream = stack.chat().await.stream_chat_completion(request).await.unwrap().into_inner();
    let (chunks, status) = collect(stream).await;
    assert!(status.is_none(), "{status:?}");
    let tiers: Vec<&str> = chunks.iter().filter_map(|c| c.service_tier.as_deref()).collect();
    assert_eq!(tiers, vec!["flex"]);
}

fn ask_grpc(model: &str) -> api::ChatCompletionRequest {
    api::ChatCompletionRequest { model: model.into(), ..common::ask("hi") }
}

#[test]
fn latency_optimised_inference_is_sent_where_offered() {
    let stack = Stack::start();
    let optimized = json!({"performance_config": {"latency": "optimized"}});
    let response =
        curl_chat(&stack.server.url, None, &rest_body("us.amazon.nova-pro-v1:0", optimized.clone()));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(stack.last_recorded()["body"]["performanceConfig"], json!({"latency": "optimized"}));
    let response = curl_chat(&stack.server.url, None, &rest_body(MODEL, optimized));
    assert_eq!(response.status, 400, "Bedrock offers no optimised latency for it: {}", response.body);
    let response = curl_chat(
        &stack.server.url,
        None,
        &rest_body(MODEL, json!({"performance_config": {"latency": "ludicrous"}})),
    );
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(response.json()["error"]["param"], "performance_config.latency");
}

#[test]
fn metadata_reaches_bedrocks_invocation_logs_with_the_callers_key_name() {
    let keys = KeysFile::write(&[("search-team", "")]);
    let stack = Stack::start_with(&["--keys-file", keys.path().to_str().unwrap()], &[]);
    let metadata = json!({"metadata": {"feature": "ranking/v2", "ticket": "SRCH-42"}});
    let response = curl_chat(&stack.server.url, Some(keys.key("search-team")), &rest_body(MODEL, metadata));
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        stack.last_recorded()["body"]["requestMetadata"],
        json!({"feature": "ranking/v2", "ticket": "SRCH-42", "api_key_name": "search-team"})
    );

    // The server's `api_key_name` wins: no caller bills another team.
    let spoofed = json!({"metadata": {"api_key_name": "billing-team"}});
    let _ = curl_chat(&stack.server.url, Some(keys.key("search-team")), &rest_body(MODEL, spoofed));
    assert_eq!(stack.last_recorded()["body"]["requestMetadata"], json!({"api_key_name": "search-team"}));

    // 16 pairs of the caller's own leave no room for it: a 400 that says so.
    let full: serde_json::Map<String, Value> = (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
    let response = curl_chat(
        &stack.server.url,
        Some(keys.key("search-team")),
        &rest_body(MODEL, json!({"metadata": full})),
    );
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(response.json()["error"]["param"], "metadata");

    // Characters Bedrock refuses are a 400 naming the pair, before Bedrock is called.
    let calls = stack.recorded_ops("converse").len();
    let refused = json!({"metadata": {"team": "quote\"d"}});
    let response = curl_chat(&stack.server.url, Some(keys.key("search-team")), &rest_body(MODEL, refused));
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(response.json()["error"]["param"], "metadata.team");
    assert_eq!(stack.recorded_ops("converse").len(), calls);
}

#[test]
fn the_guardrail_trace_comes_back_when_the_request_asks_for_it() {
    let stack = Stack::start();
    let guarded = |trace: &str, stream: bool| {
        json!({"model": MODEL, "stream": stream, "messages": [{"role": "user", "content": "[[emulator:guardrail]] hi"}],
               "guardrail_config": {"guardrail_identifier": "gr-team", "guardrail_version": "1", "trace": trace}})
        .to_string()
    };
    let response = curl_chat(&stack.server.url, None, &guarded("enabled", false));
    assert_eq!(response.status, 200, "{}", response.body);
    let json = response.json();
    assert_eq!(json["choices"][0]["finish_reason"], "content_filter");
    let trace = &json["guardrail_trace"];
    assert_eq!(trace["actionReason"], "Guardrail blocked.", "{trace}");
    let filters = &trace["inputAssessment"]["gr-team"]["contentPolicy"]["filters"];
    assert_eq!(filters[0]["type"], "VIOLENCE", "{trace}");
    assert_eq!(filters[0]["action"], "BLOCKED", "{trace}");

    let response = curl_chat(&stack.server.url, None, &guarded("disabled", false));
    assert!(response.json().get("guardrail_trace").is_none(), "{}", response.body);

    let response = curl_chat(&stack.server.url, None, &guarded("enabled", true));
    let chunks = sse_events(&response.body);
    let traces: Vec<&Value> = chunks.iter().filter_map(|c| c.get("guardrail_trace")).collect();
    assert_eq!(traces.len(), 1, "in the last chunk: {}", response.body);
    assert_eq!(traces[0]["actionReason"], "Guardrail blocked.");
}
