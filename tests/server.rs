//! The server as an operator sees it: `--demo`, health, reflection, API keys, secrets kept out of
//! logs, and graceful shutdown.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use common::*;
use std::time::Duration;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

fn with_key(request: api::ChatCompletionRequest, key: &str) -> tonic::Request<api::ChatCompletionRequest> {
    let mut request = tonic::Request::new(request);
    request.metadata_mut().insert("authorization", MetadataValue::try_from(format!("Bearer {key}")).unwrap());
    request
}

#[tokio::test]
async fn demo_mode_answers_with_no_aws_configuration_at_all() {
    let server = Process::start(&["serve", "--demo", "--port", "0"], &[]);
    let channel =
        tonic::transport::Channel::from_shared(server.url.clone()).unwrap().connect().await.unwrap();
    let mut chat = api::chat_service_client::ChatServiceClient::new(channel);
    let response = chat.chat_completion(ask("hello demo")).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), "You said: hello demo");
    let (chunks, status) =
        collect(chat.stream_chat_completion(ask("hello demo")).await.unwrap().into_inner()).await;
    assert!(status.is_none(), "{status:?}");
    assert_eq!(streamed_text(&chunks), "You said: hello demo");
    let logs = server.logs();
    assert!(logs.contains("DEMO MODE"), "the banner says answers come from the emulator");
    // The embedded emulator keeps no prompts: its request log is not there to read.
    let at = logs.find("built-in Bedrock emulator at http://").expect("the banner names the emulator");
    let emulator: String = logs[at + "built-in Bedrock emulator at ".len()..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != ',')
        .collect();
    let log = curl(&emulator, "/_emulator/requests", &[]);
    assert_eq!(log.status, 404, "{emulator}: {}", log.body);
}

#[tokio::test]
async fn health_reports_serving_for_the_server_and_each_service() {
    let stack = Stack::start_with(&["--api-key", "k"], &[]);
    let mut health = HealthClient::new(stack.channel().await);
    for service in
        ["", "amazon_chat.v1.ChatService", "amazon_chat.v1.EmbeddingService", "amazon_chat.v1.ModelService"]
    {
        let response =
            health.check(HealthCheckRequest { service: service.into() }).await.unwrap().into_inner();
        assert_eq!(response.status(), ServingStatus::Serving, "{service:?}");
    }
}

#[tokio::test]
async fn reflection_lists_the_services() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let stack = Stack::start_with(&["--api-key", "k"], &[]);
    let mut client = ServerReflectionClient::new(stack.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses =
        client.server_reflection_info(tokio_stream::iter([request])).await.unwrap().into_inner();
    let response = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("{response:?}")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        "amazon_chat.v1.ChatService",
        "amazon_chat.v1.EmbeddingService",
        "amazon_chat.v1.ModelService",
        "grpc.health.v1.Health",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
}

#[tokio::test]
async fn api_keys_are_required_when_configured() {
    let stack = Stack::start_with(&["--api-keys", "key-one,key-two"], &[]);
    let mut chat = stack.chat().await;
    let missing = chat.chat_completion(ask("hi")).await.unwrap_err();
    assert_eq!(missing.code(), Code::Unauthenticated);
    let wrong = chat.chat_completion(with_key(ask("hi"), "key-three")).await.unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    for key in ["key-one", "key-two"] {
        chat.chat_completion(with_key(ask("hi"), key)).await.expect("a configured key works");
    }
    let mut stream_request = tonic::Request::new(ask("hi"));
    stream_request.metadata_mut().insert("authorization", MetadataValue::from_static("Bearer nope"));
    assert_eq!(chat.stream_chat_completion(stream_request).await.unwrap_err().code(), Code::Unauthenticated);
    assert_eq!(stack.recorded_ops("converse").len(), 2, "rejected calls never reach Bedrock");
}

#[tokio::test]
async fn api_keys_can_come_from_the_environment_and_a_dotenv_file() {
    let env_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(env_file.path(), "API_KEY=from-dotenv\n").unwrap();
    let path = env_file.path().to_str().unwrap();
    let stack = Stack::start_with(&["--env-file", path], &[]);
    let mut chat = stack.chat().await;
    chat.chat_completion(with_key(ask("hi"), "from-dotenv")).await.expect("the key from the env file works");
    assert_eq!(chat.chat_completion(ask("hi")).await.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn secrets_never_reach_the_logs_or_errors() {
    let aws_secret = "wJalrXUtnFEMI-test-secret-never-logged";
    let api_key = "sk-test-api-key-never-logged";
    let stack = Stack::start_with(&["--api-key", api_key], &[("AWS_SECRET_ACCESS_KEY", aws_secret)]);
    let mut chat = stack.chat().await;
    let status = chat.chat_completion(with_key(ask("hi"), api_key)).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "the wrong AWS secret is refused by the emulator");
    assert!(!status.message().contains(aws_secret));
    let _ = chat.chat_completion(with_key(ask("hi"), "sk-wrong-key-also-secret")).await;
    let logs = stack.server.logs();
    assert!(logs.contains("invalid API key"), "the rejection was logged: {logs}");
    for secret in [aws_secret, api_key, "sk-wrong-key-also-secret"] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}

#[tokio::test]
async fn sigterm_lets_in_flight_streams_finish() {
    let mut stack = Stack::start();
    let mut chat = stack.chat().await;
    // 10 words at 100 ms: about a second of streaming.
    let prompt = format!("[[emulator:slow-stream=100ms]] {}", "word ".repeat(8));
    let mut stream = chat.stream_chat_completion(ask(&prompt)).await.unwrap().into_inner();
    stream.message().await.unwrap().expect("the stream started");
    stack.server.terminate();
    let (chunks, status) = collect(stream).await;
    assert!(status.is_none(), "the in-flight stream finished cleanly: {status:?}");
    assert!(streamed_text(&chunks).ends_with("word"));
    let exit = stack.server.wait_exit(Duration::from_secs(10)).expect("the server exits after draining");
    assert!(exit.success(), "{exit:?}");
}

/// `config show` run in `dir`, as JSON.
fn config_show_in(dir: &std::path::Path) -> serde_json::Value {
    let output = isolated(dir).args(["config", "show"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn dotenv_is_read_from_the_working_folder_only_never_a_parent() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::write(parent.path().join(".env"), "AMAZON_CHAT_CATALOG_TTL=7s\n").unwrap();
    let child = parent.path().join("checkout");
    std::fs::create_dir(&child).unwrap();
    assert_eq!(config_show_in(&child)["catalog_ttl"], "3600000ms", "the parent's .env is not read");
    std::fs::write(child.join(".env"), "AMAZON_CHAT_CATALOG_TTL=9s\n").unwrap();
    assert_eq!(config_show_in(&child)["catalog_ttl"], "9000ms", "the working folder's .env is");
}

#[test]
fn start_up_failures_exit_with_the_tables_status() {
    let home = tempfile::tempdir().unwrap();
    let refused =
        isolated(home.path()).args(["serve", "--demo", "--host", "not-an-address"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "a refused configuration is a usage error");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--host"));
    let emulator = isolated(home.path()).args(["emulator", "--host", "::1x"]).output().unwrap();
    assert_eq!(emulator.status.code(), Some(2), "the emulator parses --host the same way");
    // A port already taken: start-up fails otherwise, exit status 1.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let busy = isolated(home.path()).args(["serve", "--demo", "--port", &port]).output().unwrap();
    assert_eq!(busy.status.code(), Some(1), "{}", String::from_utf8_lossy(&busy.stderr));
    assert!(String::from_utf8_lossy(&busy.stderr).contains("cannot listen"));
}

#[test]
fn a_half_sent_request_head_is_dropped_after_the_header_read_timeout() {
    use std::io::{Read, Write};
    let stack = Stack::start_with(&["--header-read-timeout", "300ms"], &[]);
    let host = stack.server.url.trim_start_matches("http://").to_owned();
    let mut slow = std::net::TcpStream::connect(&host).unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").unwrap(); // and never the blank line
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    let _ = slow.read_to_end(&mut buffer);
    assert!(started.elapsed() < Duration::from_secs(3), "closed by the server, not by our 5 s read timeout");
    assert!(String::from_utf8_lossy(&buffer).is_empty() || String::from_utf8_lossy(&buffer).contains("408"));
    assert_eq!(curl(&stack.server.url, "/health", &[]).status, 200, "and the server answers others");
}

#[tokio::test]
async fn draining_is_observable_and_cut_calls_make_the_exit_status_non_zero() {
    let mut stack = Stack::start_with(&["--drain-delay", "800ms", "--shutdown-grace", "300ms"], &[]);
    assert_eq!(curl(&stack.server.url, "/ready", &[]).status, 200);
    // A call that outlives the grace period.
    let url = stack.server.url.clone();
    let slow = std::thread::spawn(move || {
        let body = serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "[[emulator:delay=3s]] slow"}]});
        curl_chat(&url, None, &body.to_string())
    });
    std::thread::sleep(Duration::from_millis(200));
    stack.server.terminate();
    // During the drain delay the listener still answers, and says NOT_SERVING on both protocols
    // (each probe on a new connection, as a load balancer's would be).
    let deadline = std::time::Instant::now() + Duration::from_millis(600);
    let (mut rest_not_serving, mut grpc_not_serving) = (false, false);
    while std::time::Instant::now() < deadline && !(rest_not_serving && grpc_not_serving) {
        rest_not_serving |= curl(&stack.server.url, "/ready", &[]).status == 503;
        grpc_not_serving |= grpc_health(&stack.server.url).await == Some(ServingStatus::NotServing);
    }
    assert!(rest_not_serving, "/ready answered 503 while draining");
    assert!(grpc_not_serving, "gRPC health answered NOT_SERVING while draining");
    let exit = stack.server.wait_exit(Duration::from_secs(10)).expect("the server exits");
    assert_eq!(exit.code(), Some(1), "a call was cut at the grace limit: {exit:?}");
    let _ = slow.join();
}

#[tokio::test]
async fn calls_cut_at_the_grace_limit_end_with_an_error_rather_than_a_reset() {
    let mut stack = Stack::start_with(&["--shutdown-grace", "300ms"], &[]);
    // A REST stream and a gRPC stream that would take 10 s.
    let url = stack.server.url.clone();
    let rest = std::thread::spawn(move || {
        let prompt = format!("[[emulator:slow-stream=100ms]] {}", "word ".repeat(100));
        let body = serde_json::json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": prompt}]});
        curl_chat(&url, None, &body.to_string())
    });
    let prompt = format!("[[emulator:slow-stream=100ms]] {}", "word ".repeat(100));
    let grpc = stack.chat().await.stream_chat_completion(ask(&prompt)).await.unwrap().into_inner();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stack.server.terminate();
    let (chunks, status) = collect(grpc).await;
    assert!(!chunks.is_empty());
    let status = status.expect("the gRPC stream ends with a status");
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
    assert!(status.message().contains("shutting down"), "{}", status.message());
    let rest = rest.join().unwrap();
    assert!(
        rest.body.contains("shutting down") && rest.body.contains("\"error\""),
        "a final error event: {}",
        rest.body
    );
    let exit = stack.server.wait_exit(Duration::from_secs(10)).expect("the server exits");
    assert_eq!(exit.code(), Some(1), "calls were cut: {exit:?}");
}

/// The gRPC health status of the whole server, over a new connection.
async fn grpc_health(url: &str) -> Option<ServingStatus> {
    let channel = tonic::transport::Channel::from_shared(url.to_owned()).ok()?.connect().await.ok()?;
    let reply = HealthClient::new(channel).check(HealthCheckRequest { service: String::new() }).await.ok()?;
    Some(reply.into_inner().status())
}

#[test]
fn the_health_command_reports_a_running_server_and_fails_for_a_missing_one() {
    let stack = Stack::start();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| isolated(home.path()).arg("health").args(args).output().unwrap();
    let grpc = run(&["--url", &stack.server.url]);
    assert!(grpc.status.success(), "{grpc:?}");
    assert_eq!(String::from_utf8_lossy(&grpc.stdout).trim(), "SERVING");
    let rest = run(&["--url", &stack.server.url, "--rest"]);
    assert!(rest.status.success(), "{rest:?}");
    assert!(String::from_utf8_lossy(&rest.stdout).starts_with("ready"), "{rest:?}");

    // Nothing listens on the port of a listener just closed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let missing = run(&["--url", &format!("http://{closed}"), "--timeout", "2s"]);
    assert_eq!(missing.status.code(), Some(1), "{missing:?}");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not serving"), "{missing:?}");
}

#[test]
fn the_models_command_lists_what_the_key_may_use_as_a_table_or_json() {
    let keys = KeysFile::write(&[("haiku-only", r#"models = ["anthropic.claude-3-haiku-*"]"#)]);
    let stack = Stack::start_with(&["--keys-file", keys.path().to_str().unwrap()], &[]);
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| isolated(home.path()).arg("models").args(args).output().unwrap();
    let key = keys.key("haiku-only");

    let table = run(&["--url", &stack.server.url, "--api-key", key]);
    assert!(table.status.success(), "{table:?}");
    let text = String::from_utf8_lossy(&table.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("PROFILES"), "{text}");
    assert_eq!(lines.len(), 2, "the key sees its one model: {text}");
    assert!(
        lines[1].starts_with("anthropic.claude-3-haiku-20240307-v1:0") && lines[1].contains("anthropic"),
        "{text}"
    );

    let json = run(&["--url", &stack.server.url, "--api-key", key, "--json"]);
    assert!(json.status.success(), "{json:?}");
    let models: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(models[0]["id"], "anthropic.claude-3-haiku-20240307-v1:0");
    assert_eq!(models[0]["streaming"], true);

    let refused = run(&["--url", &stack.server.url, "--api-key", "sk-wrong"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("Unauthenticated") && !said.contains("sk-wrong"), "the key never shows: {said}");
}
