//! Anthropic's Messages door through the real server, over a real socket, against the emulator:
//! the same keys, policies, limits, catalog and error table as the other doors, in Anthropic's
//! shapes. The official Anthropic SDK drives the door in `tests/sdk/anthropic/`; these tests cover
//! what is about the gateway rather than the SDK (key headers, envelopes from the layers before the
//! handler, routing of Anthropic's model names).

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{CurlResponse, KeysFile, Stack, curl, models_file};

fn post_messages(stack: &Stack, headers: &[&str], body: &serde_json::Value) -> CurlResponse {
    let body = body.to_string();
    let mut args = vec!["-H", "content-type: application/json", "-H", "anthropic-version: 2023-06-01"];
    for header in headers {
        args.extend(["-H", header]);
    }
    args.extend(["--data-binary", body.as_str()]);
    curl(&stack.server.url, "/v1/messages", &args)
}

fn hello(model: &str) -> serde_json::Value {
    serde_json::json!({"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "Hello"}]})
}

/// Anthropic's envelope exactly, and its error type.
fn assert_anthropic_error(response: &CurlResponse, status: u16, kind: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    let body = response.json();
    assert_eq!(body["type"], "error", "{body}");
    assert_eq!(body["error"]["type"], kind, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body.as_object().unwrap().len(), 2, "only type and error: {body}");
}

#[test]
fn keys_work_as_x_api_key_or_bearer_and_refusals_use_each_doors_envelope() {
    let keys = KeysFile::write(&[("team-a", "")]);
    let stack = Stack::start_with(&["--keys-file", keys.path().to_str().unwrap()], &[]);
    let key = keys.key("team-a");
    let by_header = post_messages(&stack, &[&format!("x-api-key: {key}")], &hello("claude-3-haiku-20240307"));
    assert_eq!(by_header.status, 200, "{}", by_header.body);
    assert_eq!(by_header.json()["type"], "message");
    assert_eq!(
        by_header.header("request-id"),
        by_header.header("x-request-id"),
        "Anthropic's SDKs read request-id"
    );
    let by_bearer =
        post_messages(&stack, &[&format!("authorization: Bearer {key}")], &hello("claude-3-haiku-20240307"));
    assert_eq!(by_bearer.status, 200, "{}", by_bearer.body);

    assert_anthropic_error(
        &post_messages(&stack, &[], &hello("claude-3-haiku-20240307")),
        401,
        "authentication_error",
    );
    let wrong = post_messages(&stack, &["x-api-key: sk-wrong"], &hello("claude-3-haiku-20240307"));
    assert_anthropic_error(&wrong, 401, "authentication_error");

    // The OpenAI door takes x-api-key too, and keeps its own envelope.
    let openai = common::curl_chat(&stack.server.url, None, r#"{"model":"m","messages":[]}"#);
    assert_eq!(openai.status, 401);
    assert_eq!(openai.json()["error"]["type"], "authentication_error");
    assert!(openai.json()["error"]["code"].is_string(), "OpenAI's envelope: {}", openai.body);
    let chat = curl(
        &stack.server.url,
        "/v1/chat/completions",
        &[
            "-H",
            &format!("x-api-key: {key}"),
            "-H",
            "content-type: application/json",
            "--data-binary",
            r#"{"model":"claude-3-haiku-20240307","messages":[{"role":"user","content":"Hi"}]}"#,
        ],
    );
    assert_eq!(chat.status, 200, "{}", chat.body);
}

#[test]
fn a_keys_models_and_limits_hold_on_this_door_too() {
    let keys = KeysFile::write(&[(
        "haiku-once",
        "models = [\"anthropic.claude-3-haiku-*\"]\nrequests_per_minute = 1",
    )]);
    let stack = Stack::start_with(&["--keys-file", keys.path().to_str().unwrap()], &[]);
    let auth = format!("x-api-key: {}", keys.key("haiku-once"));
    let refused = post_messages(&stack, &[&auth], &hello("claude-sonnet-4-0"));
    assert_anthropic_error(&refused, 403, "permission_error");
    assert_eq!(post_messages(&stack, &[&auth], &hello("claude-3-haiku-20240307")).status, 200);
    let limited = post_messages(&stack, &[&auth], &hello("claude-3-haiku-20240307"));
    assert_anthropic_error(&limited, 429, "rate_limit_error");
    assert!(limited.header("retry-after").is_some(), "{:?}", limited.headers);
    assert_eq!(limited.header("x-ratelimit-remaining-requests"), Some("0"));
}

#[test]
fn anthropic_names_route_to_bedrock_ids_and_aliases_may_point_at_them() {
    let (_dir, models) = models_file("[aliases]\n\"fast\" = \"claude-3-haiku-20240307\"\n");
    let stack = Stack::start_with(&["--models-file", &models], &[]);
    for (asked, served) in [
        ("claude-3-haiku-20240307", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("claude-sonnet-4-0", "us.anthropic.claude-sonnet-4-20250514-v1:0"),
        ("claude-haiku-4-5", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
        ("fast", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ] {
        let response = post_messages(&stack, &[], &hello(asked));
        assert_eq!(response.status, 200, "{asked}: {}", response.body);
        assert_eq!(response.json()["model"], asked, "the answer names the model as asked");
        assert_eq!(response.header("x-amazon-chat-model-id"), Some(served), "{asked}");
        assert_eq!(stack.last_recorded()["model_id"], served, "{asked}");
    }
    let unknown = post_messages(&stack, &[], &hello("claude-9-nonsense"));
    assert_anthropic_error(&unknown, 404, "not_found_error");
}

#[test]
fn the_layers_before_the_handler_answer_in_anthropics_envelope() {
    let stack = Stack::start();
    let wrong_method = curl(&stack.server.url, "/v1/messages", &["-X", "GET"]);
    assert_anthropic_error(&wrong_method, 405, "invalid_request_error");
    let malformed = curl(
        &stack.server.url,
        "/v1/messages",
        &["-H", "content-type: application/json", "--data-binary", "{"],
    );
    assert_anthropic_error(&malformed, 400, "invalid_request_error");
    let missing =
        post_messages(&stack, &[], &serde_json::json!({"model": "claude-3-haiku-20240307", "messages": []}));
    assert_anthropic_error(&missing, 400, "invalid_request_error");
    assert!(missing.json()["error"]["message"].as_str().unwrap().contains("max_tokens"), "{}", missing.body);
}

#[test]
fn an_upstream_failure_mid_stream_ends_with_an_error_event() {
    let stack = Stack::start();
    let mut body = hello("claude-3-haiku-20240307");
    body["stream"] = true.into();
    body["messages"][0]["content"] = "Tell me a long story [[emulator:stream-error]]".into();
    let response = post_messages(&stack, &[], &body);
    assert_eq!(response.status, 200, "{}", response.body);
    let events: Vec<&str> = response.body.lines().filter_map(|line| line.strip_prefix("event: ")).collect();
    assert_eq!(events[..2], ["message_start", "ping"], "{}", response.body);
    assert_eq!(events.last(), Some(&"error"), "{}", response.body);
    assert!(!events.contains(&"message_stop"), "an error ends the stream instead: {events:?}");
    let error = common::sse_events(&response.body).pop().unwrap();
    assert_eq!(error["type"], "error");
    assert_eq!(error["error"]["type"], "api_error", "{error}");
}
