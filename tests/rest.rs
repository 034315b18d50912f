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
    assert_eq!(last["error"]["code"], "upstream_unavailable");
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
    assert_eq!(response.json()["error"]["code"], "rate_limit_exceeded");
    assert_eq!(response.header("retry-after"), Some("1"));
}

#[test]
fn errors_use_the_envelope_and_the_table_status() {
    let stack = start();
    let url = &stack.server.url;
    let unknown_model =
        json!({"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]}).to_string();
    // (key, body, status, OpenAI type, OpenAI code, param)
    type Case<'a> = (Option<&'a str>, String, u16, &'a str, &'a str, serde_json::Value);
    let cases: [Case; 7] = [
        (None, chat_body("hi"), 401, "authentication_error", "invalid_api_key", json!(null)),
        (Some("wrong"), chat_body("hi"), 401, "authentication_error", "invalid_api_key", json!(null)),
        (
            Some(KEY),
            chat_body("[[emulator:access-denied]]"),
            403,
            "permission_error",
            "permission_denied",
            json!(null),
        ),
        (Some(KEY), unknown_model, 404, "not_found_error", "model_not_found", json!("model")),
        (
            Some(KEY),
            chat_body("[[emulator:unavailable]]"),
            503,
            "api_error",
            "upstream_unavailable",
            json!(null),
        ),
        (
            Some(KEY),
            chat_body("[[emulator:internal-error]]"),
            503,
            "api_error",
            "upstream_unavailable",
            json!(null),
        ),
        (
            Some(KEY),
            chat_body("[[emulator:model-timeout]]"),
            504,
            "timeout_error",
            "upstream_timeout",
            json!(null),
        ),
    ];
    for (key, body, status, kind, code, param) in cases {
        let response = curl_chat(url, key, &body);
        assert_eq!(response.status, status, "{body}: {}", response.body);
        let json = response.json();
        let error = json["error"].as_object().expect("the envelope");
        let mut fields: Vec<&str> = error.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["code", "message", "param", "type"], "exactly OpenAI's four fields");
        assert_eq!(error["type"], kind, "{body}");
        assert_eq!(error["code"], code, "{body}");
        assert_eq!(error["param"], param, "{body}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
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
        assert_eq!(error["code"], "invalid_argument");
        assert_eq!(error["param"], param, "{body}");
        assert!(
            error["message"].as_str().unwrap().starts_with(param),
            "the message names the field: {error}"
        );
    }
}

#[test]
fn integers_above_2_pow_53_reach_bedrock_exactly() {
    let stack = start();
    let big = 9_007_199_254_740_993_u64; // 2^53 + 1: a double rounds it to 2^53
    let body = json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}],
        "additional_model_request_fields": {"top_k": big},
        "tools": [{"type": "function", "function": {"name": "count",
            "parameters": {"type": "object", "properties": {"n": {"type": "integer", "maximum": big}}}}}]});
    let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let sent = &stack.last_recorded()["body"];
    assert_eq!(sent["additionalModelRequestFields"]["top_k"].as_u64(), Some(big), "{sent}");
    let schema = &sent["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"];
    assert_eq!(schema["properties"]["n"]["maximum"].as_u64(), Some(big), "{schema}");
}

#[test]
fn content_parts_the_shim_does_not_take_are_refused_by_type_and_path() {
    let stack = start();
    let cases = [
        (json!({"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}), "input_audio", ""),
        // A type nobody knows is an unknown value of the part's `type`, with the ones that exist.
        (json!({"type": "video_url", "video_url": {"url": "x"}}), "video_url", ".type"),
    ];
    for (part, kind, suffix) in cases {
        let body = json!({"model": MODEL, "messages": [{"role": "user", "content": [{"type": "text", "text": "see"}, part]}]});
        let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
        assert_eq!(response.status, 400, "{}", response.body);
        let error = &response.json()["error"];
        assert_eq!(error["param"], format!("messages[0].content[1]{suffix}"), "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(kind), "{message}");
        assert!(!message.contains("did not match any variant"), "{message}");
    }
}

#[test]
fn options_accepted_but_not_sent_reach_bedrock_as_nothing() {
    let stack = start();
    let body = json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}],
        "parallel_tool_calls": false, "store": true,
        "user": "alice-42",
        "tools": [{"type": "function", "function": {"name": "f", "strict": true,
            "parameters": {"type": "object", "properties": {}}}}]});
    let response = curl_chat(&stack.server.url, Some(KEY), &body.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let sent = &stack.last_recorded()["body"];
    let mut keys: Vec<&str> = sent.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["inferenceConfig", "messages", "requestMetadata", "toolConfig"],
        "nothing else reaches Bedrock: {sent}"
    );
    assert_eq!(sent["inferenceConfig"], json!({}));
    // Every call is attributed to its key in Bedrock's invocation logs (a plain key is `default`).
    assert_eq!(sent["requestMetadata"], json!({"api_key_name": "default"}));
    let spec = sent["toolConfig"]["tools"][0]["toolSpec"].as_object().unwrap();
    let mut spec_keys: Vec<&str> = spec.keys().map(String::as_str).collect();
    spec_keys.sort_unstable();
    assert_eq!(spec_keys, ["inputSchema", "name"], "strict is not sent: {sent}");
    // `user` is recorded on the call's log line, with the model.
    let logs = stack.server.wait_for_log(std::time::Duration::from_secs(5), |l| l.contains("alice-42"));
    let line = logs.lines().find(|l| l.contains("alice-42")).expect("a log line carries the user");
    assert!(line.contains(MODEL), "{line}");
}

#[test]
fn a_wrong_method_and_an_unknown_path_use_the_envelope_too() {
    let stack = start();
    let auth = format!("Authorization: Bearer {KEY}");
    let wrong = curl(&stack.server.url, "/v1/chat/completions", &["-H", &auth]);
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.json()["error"]["code"], "method_not_allowed");
    assert_eq!(wrong.json()["error"]["type"], "invalid_request_error");
    let unknown = curl(&stack.server.url, "/v1/nothing-here", &["-H", &auth]);
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["code"], "not_found");
    assert_eq!(unknown.json()["error"]["type"], "not_found_error");
}

#[test]
fn an_unknown_grpc_method_is_unimplemented_with_its_reason() {
    let stack = start();
    let auth = format!("authorization: Bearer {KEY}");
    let grpc = |path: &str| {
        curl(
            &stack.server.url,
            path,
            &["--http2-prior-knowledge", "-X", "POST", "-H", "content-type: application/grpc", "-H", &auth],
        )
    };
    // An unknown service reaches the server's own fallback: the table's row, with ErrorInfo.
    let response = grpc("/amazon_chat.v1.NoSuchService/Call");
    assert_eq!(response.status, 200, "gRPC errors travel in grpc-status");
    assert_eq!(response.header("grpc-status"), Some("12"), "UNIMPLEMENTED: {:?}", response.headers);
    assert!(response.header("grpc-status-details-bin").is_some(), "with ErrorInfo");
    // An unknown method of a known service is answered by tonic's generated service, the same code.
    assert_eq!(grpc("/amazon_chat.v1.ChatService/NoSuchMethod").header("grpc-status"), Some("12"));
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

#[test]
fn request_ids_are_echoed_when_plain_and_replaced_when_not() {
    let stack = start();
    let with_id = |id: &str| {
        let header = format!("x-request-id: {id}");
        curl(&stack.server.url, "/health", &["-H", &header]).header("x-request-id").unwrap().to_owned()
    };
    assert_eq!(with_id("my-trace-42"), "my-trace-42");
    let long = "a".repeat(300);
    let replaced = with_id(&long);
    assert_ne!(replaced, long, "a 300-character id is not kept");
    assert_eq!(replaced.len(), 36, "a fresh UUID instead: {replaced}");
}
