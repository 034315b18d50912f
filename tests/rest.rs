//! The OpenAI-compatible REST shim, driven with curl over loopback: JSON, SSE framing, errors in
//! OpenAI's envelope with the table's statuses, limits, and the OpenAPI document.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

const KEY: &str = "rest-test-key";

fn start() -> Stack {
    Stack::start_with(&["--api-key", KEY, "--max-request-bytes", "65536"], &[])
}

fn chat_body(text: &str) -> String {
    json!({"model": MODEL, "messages": [{"role": "user", "content": text}]}).to_string()
}

/// The `data:` payloads of an SSE body, checking the framing on the way.
fn sse_events(body: &str) -> Vec<String> {
    assert!(body.ends_with("\n\n"), "events end with a blank line: {body:?}");
    body.split("\n\n")
        .filter(|event| !event.is_empty())
        .map(|event| {
            let data = event.strip_prefix("data: ").unwrap_or_else(|| panic!("not a data event: {event:?}"));
            assert!(!data.contains('\n'), "one line per event");
            data.to_owned()
        })
        .collect()
}

#[test]
fn unary_json_matches_openai_shape() {
    let stack = start();
    let response = curl_chat(&stack.server.url, Some(KEY), &chat_body("hello there"));
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").unwrap().starts_with("application/json"));
    let json = response.json();
    assert_eq!(json["object"], "chat.completion");
    assert_eq!(
        json["choices"][0]["message"],
        json!({"role": "assistant", "content": "You said: hello there", "refusal": null})
    );
    assert_eq!(json["choices"][0]["finish_reason"], "stop");
    assert_eq!(json["usage"]["total_tokens"], 6);
    assert!(response.header("x-request-id").is_some());
}

#[test]
fn sse_streams_chunks_then_done() {
    let stack = start();
    let body = json!({"model": MODEL, "stream": true, "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "stream this"}]});
    let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").unwrap().starts_with("text/event-stream"));
    let events = sse_events(&response.body);
    assert_eq!(events.last().unwrap(), "[DONE]");
    let chunks: Vec<serde_json::Value> =
        events[..events.len() - 1].iter().map(|e| serde_json::from_str(e).unwrap()).collect();
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect();
    assert_eq!(text, "You said: stream this");
    let usage = chunks.last().unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 4);
    assert!(chunks.iter().all(|c| c["object"] == "chat.completion.chunk"));
}

#[test]
fn streamed_tool_calls_follow_openai_shape() {
    let stack = start();
    let body = json!({"model": MODEL, "stream": true, "tool_choice": "required",
        "tools": [{"type": "function", "function": {"name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
        "messages": [{"role": "user", "content": "weather?"}]});
    let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
    let events = sse_events(&response.body);
    let calls: Vec<serde_json::Value> = events
        .iter()
        .filter(|e| *e != "[DONE]")
        .map(|e| serde_json::from_str::<serde_json::Value>(e).unwrap())
        .filter_map(|c| {
            c["choices"][0]["delta"]["tool_calls"][0].as_object().cloned().map(serde_json::Value::Object)
        })
        .collect();
    assert_eq!(calls[0]["index"], 0);
    assert_eq!(calls[0]["type"], "function");
    assert_eq!(calls[0]["function"]["name"], "get_weather");
    assert!(calls[0]["id"].as_str().is_some_and(|id| !id.is_empty()));
    let arguments: String = calls.iter().filter_map(|c| c["function"]["arguments"].as_str()).collect();
    assert!(serde_json::from_str::<serde_json::Value>(&arguments).unwrap()["city"].is_string());
}

#[test]
fn an_error_mid_stream_is_a_final_error_event() {
    let stack = start();
    let body = json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "[[emulator:stream-error]] a b c"}]});
    let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
    assert_eq!(response.status, 200, "the stream had started");
    let events = sse_events(&response.body);
    let last: serde_json::Value = serde_json::from_str(events.last().unwrap()).unwrap();
    assert_eq!(last["error"]["type"], "api_error");
    assert!(last["error"]["message"].as_str().unwrap().contains("ModelStreamErrorException"));
    assert!(!events.contains(&"[DONE]".to_owned()));
}

#[test]
fn a_stream_refused_up_front_is_a_plain_http_error() {
    let stack = start();
    let body = json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "[[emulator:throttle]]"}]});
    let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
    assert_eq!(response.status, 429);
    assert_eq!(response.json()["error"]["type"], "rate_limit_error");
}

#[test]
fn errors_use_the_envelope_and_the_table_status() {
    let stack = start();
    let url = &stack.server.url;
    let cases: [(Option<&str>, String, u16, &str); 7] = [
        (None, chat_body("hi"), 401, "authentication_error"),
        (Some("wrong"), chat_body("hi"), 401, "authentication_error"),
        (Some(KEY), chat_body("[[emulator:access-denied]]"), 403, "permission_error"),
        (
            Some(KEY),
            json!({"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]}).to_string(),
            404,
            "not_found_error",
        ),
        (Some(KEY), chat_body("[[emulator:unavailable]]"), 503, "api_error"),
        (Some(KEY), chat_body("[[emulator:internal-error]]"), 503, "api_error"),
        (Some(KEY), chat_body("[[emulator:model-timeout]]"), 504, "timeout_error"),
    ];
    for (key, body, status, kind) in cases {
        let response = curl_chat(url, key, &body);
        let code = response.json()["error"]["code"].clone();
        match status {
            401 => assert_eq!(code, "invalid_api_key", "OpenAI's code for a bad key"),
            404 => assert_eq!(code, "model_not_found", "OpenAI's code for an unknown model"),
            _ => assert!(code.is_string()),
        }
        assert_eq!(response.status, status, "{body}: {}", response.body);
        let error = &response.json()["error"];
        assert_eq!(error["type"], kind, "{body}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(error.get("param").is_some() && error.get("code").is_some(), "all four envelope fields");
    }
}

#[test]
fn throttling_is_429_with_retry_after() {
    let stack = start();
    let response = curl_chat(&stack.server.url, Some(KEY), &chat_body("[[emulator:throttle]]"));
    assert_eq!(response.status, 429);
    assert_eq!(response.header("retry-after"), Some("1"));
    assert_eq!(response.json()["error"]["code"], "rate_limit_exceeded", "OpenAI's code");
}

#[test]
fn malformed_json_wrong_types_and_bad_values_are_400_naming_the_field() {
    let stack = start();
    let url = &stack.server.url;
    let cases = [
        (r#"{"model": "#.to_owned(), "body"),
        (json!({"model": MODEL, "messages": [], "max_tokens": "ten"}).to_string(), "max_tokens"),
        (
            json!({"model": MODEL, "messages": [{"role": "user", "content": 5}]}).to_string(),
            "messages[0].content",
        ),
        (json!({"model": MODEL, "messages": [{"role": "user", "content": "x"}], "n": 3}).to_string(), "n"),
        (
            json!({"model": MODEL, "messages": [{"role": "wizard", "content": "x"}]}).to_string(),
            "messages[0].role",
        ),
        (json!({"messages": []}).to_string(), "model"),
    ];
    for (body, param) in cases {
        let response = curl_chat(url, Some(KEY), &body);
        assert_eq!(response.status, 400, "{body}: {}", response.body);
        let error = &response.json()["error"];
        assert_eq!(error["type"], "invalid_request_error");
        assert_eq!(error["param"], param, "{body}");
    }
}

#[test]
fn unknown_fields_are_ignored() {
    let stack = start();
    let body = json!({"model": MODEL, "messages": [{"role": "user", "content": "hi", "future_field": 1}],
        "a_brand_new_openai_option": {"x": true}});
    assert_eq!(curl_chat(&stack.server.url, Some(KEY), &body.to_string()).status, 200);
}

#[test]
fn a_body_over_the_limit_is_413() {
    let stack = start();
    let huge = chat_body(&"x".repeat(100_000));
    let response = curl_chat(&stack.server.url, Some(KEY), &huge);
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"]["code"], "payload_too_large");
}

#[test]
fn models_list_and_get_with_colons_and_slashes() {
    let stack = start();
    let auth = format!("Authorization: Bearer {KEY}");
    let list = curl(&stack.server.url, "/v1/models", &["-H", &auth]);
    assert_eq!(list.status, 200);
    assert!(list.json()["data"].as_array().unwrap().iter().any(|m| m["id"] == MODEL));
    let one = curl(&stack.server.url, &format!("/v1/models/{MODEL}"), &["-H", &auth]);
    assert_eq!(one.json()["owned_by"], "anthropic");
    let arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc";
    assert_eq!(curl(&stack.server.url, &format!("/v1/models/{arn}"), &["-H", &auth]).json()["id"], arn);
    assert_eq!(curl(&stack.server.url, "/v1/models/no-such-model", &["-H", &auth]).status, 404);
    assert_eq!(curl(&stack.server.url, "/v1/models", &[]).status, 401);
}

#[test]
fn health_readiness_and_openapi_need_no_key() {
    let stack = start();
    let health = curl(&stack.server.url, "/health", &[]);
    assert_eq!((health.status, health.json()["status"].clone()), (200, json!("ok")));
    let ready = curl(&stack.server.url, "/ready", &[]);
    assert_eq!((ready.status, ready.json()["status"].clone()), (200, json!("serving")));
    let document = curl(&stack.server.url, "/openapi.json", &[]).json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(document["paths"]["/v1/chat/completions"]["post"].is_object());
    assert!(document["components"]["schemas"]["ChatCompletionRequest"].is_object());
}
