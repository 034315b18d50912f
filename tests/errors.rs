//! Every failure class of the error table, driven through the real server against the emulator,
//! plus streams that fail before, during and because of the client.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use common::*;
use std::time::Duration;
use tonic::Code;
use tonic_types::StatusExt;

async fn unary_error(stack: &Stack, request: api::ChatCompletionRequest) -> tonic::Status {
    stack.chat().await.chat_completion(request).await.expect_err("the call should fail")
}

#[tokio::test]
async fn upstream_faults_map_to_the_documented_codes() {
    let stack = Stack::start();
    let cases = [
        ("[[emulator:throttle]]", Code::ResourceExhausted, "THROTTLED"),
        ("[[emulator:quota]]", Code::ResourceExhausted, "THROTTLED"),
        ("[[emulator:access-denied]]", Code::PermissionDenied, "PERMISSION_DENIED"),
        ("[[emulator:invalid-token]]", Code::Unauthenticated, "UNAUTHENTICATED"),
        ("[[emulator:expired-token]]", Code::Unauthenticated, "UNAUTHENTICATED"),
        ("[[emulator:unavailable]]", Code::Unavailable, "UPSTREAM_UNAVAILABLE"),
        ("[[emulator:model-not-ready]]", Code::Unavailable, "UPSTREAM_UNAVAILABLE"),
        ("[[emulator:internal-error]]", Code::Unavailable, "UPSTREAM_UNAVAILABLE"),
        ("[[emulator:model-timeout]]", Code::DeadlineExceeded, "UPSTREAM_TIMEOUT"),
        ("[[emulator:validation=temperature is out of range]]", Code::InvalidArgument, "INVALID_ARGUMENT"),
    ];
    for (prompt, code, reason) in cases {
        let status = unary_error(&stack, ask(prompt)).await;
        assert_eq!(status.code(), code, "{prompt}: {status:?}");
        let details = status.get_error_details();
        assert_eq!(details.error_info().map(|i| i.reason.as_str()), Some(reason), "{prompt}");
    }
}

#[tokio::test]
async fn throttling_carries_retry_info() {
    let stack = Stack::start();
    let status = unary_error(&stack, ask("[[emulator:throttle]]")).await;
    let details = status.get_error_details();
    assert!(details.retry_info().and_then(|r| r.retry_delay).is_some_and(|d| d > Duration::ZERO));
    assert_eq!(details.error_info().unwrap().metadata["upstream_code"], "ThrottlingException");
}

#[tokio::test]
async fn access_denied_says_which_permission_is_missing() {
    let stack = Stack::start();
    let status = unary_error(&stack, ask("[[emulator:access-denied]]")).await;
    assert!(status.message().contains("bedrock:InvokeModel"), "{}", status.message());
}

#[tokio::test]
async fn an_unknown_model_is_not_found_and_names_the_region() {
    let stack = Stack::start();
    let status =
        unary_error(&stack, api::ChatCompletionRequest { model: "no-such-model".into(), ..ask("hi") }).await;
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("no-such-model") && status.message().contains("us-east-1"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn invalid_requests_name_the_field() {
    let stack = Stack::start();
    let mut tool_without_call = ask("q");
    tool_without_call
        .messages
        .push(api::Message { tool_call_id: Some("call_x".into()), ..message("tool", "r") });
    let cases = [
        (api::ChatCompletionRequest { n: Some(2), ..ask("hi") }, "n"),
        (api::ChatCompletionRequest { logprobs: Some(true), ..ask("hi") }, "logprobs"),
        (request(vec![]), "messages"),
        (request(vec![message("wizard", "abracadabra")]), "messages[0].role"),
        (tool_without_call, "messages[1].tool_call_id"),
        (api::ChatCompletionRequest { temperature: Some(3.0), ..ask("hi") }, "temperature"),
    ];
    for (request, field) in cases {
        let status = unary_error(&stack, request).await;
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        assert!(status.message().starts_with(field), "{field}: {}", status.message());
        let details = status.get_error_details();
        assert_eq!(details.bad_request().unwrap().field_violations[0].field, field);
    }
    assert!(stack.recorded_ops("converse").is_empty(), "nothing invalid reached Bedrock");
}

#[tokio::test]
async fn a_wrong_aws_secret_is_unauthenticated() {
    let stack = Stack::start_with(&[], &[("AWS_SECRET_ACCESS_KEY", "not-the-right-secret")]);
    let status = unary_error(&stack, ask("hi")).await;
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(status.message().contains("credentials"), "{}", status.message());
    assert!(!status.message().contains("not-the-right-secret"));
    assert_eq!(stack.last_recorded()["outcome"], "error:InvalidSignatureException");
}

#[tokio::test]
async fn an_unknown_access_key_is_unauthenticated() {
    let stack = Stack::start_with(&[], &[("AWS_ACCESS_KEY_ID", "AKIAUNKNOWN000000000")]);
    let status = unary_error(&stack, ask("hi")).await;
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(
        status.message().contains("security token included in the request is invalid"),
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn a_slow_upstream_is_deadline_exceeded() {
    let stack = Stack::start_with(&["--upstream-timeout", "300ms"], &[]);
    let status = unary_error(&stack, ask("[[emulator:delay=3s]] slow")).await;
    assert_eq!(status.code(), Code::DeadlineExceeded);
    let mut chat = stack.chat().await;
    let stream_status = chat.stream_chat_completion(ask("[[emulator:delay=3s]] slow")).await.unwrap_err();
    assert_eq!(stream_status.code(), Code::DeadlineExceeded);
}

#[tokio::test]
async fn a_stream_rejected_before_its_first_event_fails_with_a_status() {
    let stack = Stack::start();
    let status = stack.chat().await.stream_chat_completion(ask("[[emulator:throttle]]")).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
}

#[tokio::test]
async fn an_exception_mid_stream_ends_the_stream_with_its_code() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let stream = chat.stream_chat_completion(ask("[[emulator:stream-error]] some words here")).await.unwrap();
    let (chunks, status) = collect(stream.into_inner()).await;
    assert!(!chunks.is_empty(), "chunks before the failure are delivered");
    assert_eq!(status.expect("the stream fails").code(), Code::Unavailable);

    let stream =
        chat.stream_chat_completion(ask("[[emulator:stream-error=throttling]] words")).await.unwrap();
    let (_, status) = collect(stream.into_inner()).await;
    assert_eq!(status.expect("the stream fails").code(), Code::ResourceExhausted);
}

#[tokio::test]
async fn a_broken_upstream_connection_ends_the_stream_as_unavailable() {
    let stack = Stack::start();
    let stream =
        stack.chat().await.stream_chat_completion(ask("[[emulator:stream-cut]] words")).await.unwrap();
    let (chunks, status) = collect(stream.into_inner()).await;
    assert!(!chunks.is_empty());
    assert_eq!(status.expect("the stream fails").code(), Code::Unavailable);
}

#[tokio::test]
async fn a_client_that_goes_away_closes_the_upstream_stream() {
    let stack = Stack::start();
    let long_prompt = format!("[[emulator:slow-stream=100ms]] {}", "word ".repeat(100));
    let mut stream = stack.chat().await.stream_chat_completion(ask(&long_prompt)).await.unwrap().into_inner();
    stream.message().await.unwrap().expect("a first chunk");
    stream.message().await.unwrap().expect("a second chunk");
    assert_eq!(stack.last_recorded()["outcome"], "streaming");
    drop(stream);
    // 100 words at 100 ms would take 10 s; the emulator must see the close long before.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let outcome = stack.last_recorded()["outcome"].clone();
        if outcome == "client_closed" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the emulator still sees {outcome}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_oversized_grpc_request_is_resource_exhausted_like_rests_413() {
    let stack = Stack::start_with(&["--max-request-bytes", "2048"], &[]);
    let status = unary_error(&stack, ask(&"x".repeat(4096))).await;
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(status.get_error_details().error_info().unwrap().reason, "PAYLOAD_TOO_LARGE");
    assert!(status.message().contains("2048"), "{}", status.message());
    assert!(stack.recorded_ops("converse").is_empty());
}

#[tokio::test]
async fn role_specific_fields_on_the_wrong_role_are_rejected() {
    let stack = Stack::start();
    let mut stray_id = ask("hi");
    stray_id.messages[0].tool_call_id = Some("call_1".into());
    assert_eq!(
        unary_error(&stack, stray_id).await.get_error_details().bad_request().unwrap().field_violations[0]
            .field,
        "messages[0].tool_call_id"
    );
    let mut stray_calls = ask("hi");
    stray_calls.messages[0].tool_calls =
        vec![api::ToolCall { id: "c".into(), r#type: "function".into(), function: None }];
    assert_eq!(unary_error(&stack, stray_calls).await.code(), Code::InvalidArgument);
    let blank_system = request(vec![message("system", "   "), message("user", "hi")]);
    assert_eq!(unary_error(&stack, blank_system).await.code(), Code::InvalidArgument);
}

#[test]
fn bytes_that_are_not_a_protobuf_message_are_invalid_argument() {
    let stack = Stack::start();
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame");
    // A gRPC frame (uncompressed, 5 bytes) whose payload is not a valid ChatCompletionRequest.
    std::fs::write(&frame, [0u8, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap();
    let response = curl(
        &stack.server.url,
        "/amazon_chat.v1.ChatService/ChatCompletion",
        &[
            "--http2-prior-knowledge",
            "-H",
            "content-type: application/grpc",
            "-H",
            "te: trailers",
            "--data-binary",
            &format!("@{}", frame.display()),
        ],
    );
    let status = response.header("grpc-status").map(str::to_owned).or_else(|| {
        // Sent in the trailers when the server had begun the response.
        response.body.lines().find_map(|l| l.strip_prefix("grpc-status:").map(|s| s.trim().to_owned()))
    });
    assert_eq!(status.as_deref(), Some("3"), "INVALID_ARGUMENT: {response:?}");
}
