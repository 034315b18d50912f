//! Upstream faults, each against the emulator through the real server: retries that succeed after
//! transient failures and give up with the right status, the deadline that keeps Bedrock's last
//! error, retry budgets per target, failover along a models-file chain (regions and models, streams
//! only before they start), and connect, first-byte and control-plane stalls.

// Test code: a panic is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::time::{Duration, Instant};
use tonic::Code;

/// Retries fast and predictably: three attempts, 10 ms then 20 ms.
const RETRYING: &[&str] =
    &["--bedrock-max-attempts", "3", "--retry-jitter", "none", "--retry-initial-backoff", "10ms"];

/// The Bedrock Runtime requests the emulator saw whose prompt contains `marker`: (region, outcome).
fn attempts_for(stack: &Stack, marker: &str) -> Vec<(String, String, String)> {
    stack
        .recorded()
        .into_iter()
        .filter(|r| r["operation"].as_str().is_some_and(|op| op.starts_with("converse")))
        .filter(|r| r["body"].to_string().contains(marker))
        .map(|r| {
            let text = |field: &str| r[field].as_str().unwrap_or_default().to_owned();
            (text("region"), text("model_id"), text("outcome"))
        })
        .collect()
}

fn metadata(response: &tonic::metadata::MetadataMap, name: &str) -> String {
    response.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn transient_throttling_and_5xx_are_retried_until_they_pass() {
    let stack = Stack::start_with(RETRYING, &[]);
    for fault in ["throttle", "unavailable", "internal-error", "model-not-ready"] {
        let marker = format!("transient-{fault}");
        let prompt = format!("[[emulator:{fault}]] [[emulator:times=2]] {marker}");
        let response =
            stack.chat().await.chat_completion(ask(&prompt)).await.expect("the third attempt answers");
        assert_eq!(metadata(response.metadata(), "x-amazon-chat-attempts"), "3", "{fault}");
        let outcomes: Vec<String> = attempts_for(&stack, &marker).into_iter().map(|(_, _, o)| o).collect();
        assert_eq!(outcomes.len(), 3, "{fault}: {outcomes:?}");
        assert!(outcomes[..2].iter().all(|o| o.starts_with("error:")) && outcomes[2] == "ok", "{outcomes:?}");
    }
    assert!(stack.server.logs().contains("Bedrock call failed; retrying"), "each retry is logged");
}

#[tokio::test]
async fn retries_give_up_with_the_last_upstream_error() {
    let stack = Stack::start_with(RETRYING, &[]);
    let status =
        stack.chat().await.chat_completion(ask("[[emulator:throttle]] give-up-429")).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(attempts_for(&stack, "give-up-429").len(), 3);
    let body = serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "[[emulator:unavailable]] give-up-503"}]});
    let rest = curl_chat(&stack.server.url, None, &body.to_string());
    assert_eq!(rest.status, 503, "{}", rest.body);
    assert!(rest.header("retry-after").is_some());
    assert!(stack.server.logs().contains("not retrying: its attempts are spent"));
    // Errors the request caused are sent once.
    let status =
        stack.chat().await.chat_completion(ask("[[emulator:validation=bad]] once-only")).await.unwrap_err();
    assert_eq!((status.code(), attempts_for(&stack, "once-only").len()), (Code::InvalidArgument, 1));
}

#[tokio::test]
async fn a_retry_that_would_pass_the_deadline_returns_bedrocks_error_not_a_timeout() {
    // A 1 s deadline and 2 s backoffs: the first failure is what the caller must hear.
    let args = [
        "--bedrock-max-attempts",
        "5",
        "--retry-jitter",
        "none",
        "--retry-initial-backoff",
        "2s",
        "--upstream-timeout",
        "1s",
    ];
    let stack = Stack::start_with(&args, &[]);
    let started = Instant::now();
    let status =
        stack.chat().await.chat_completion(ask("[[emulator:throttle]] deadline-429")).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(1), "no backoff was slept");
    let body = serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "[[emulator:unavailable]] deadline-503"}]});
    assert_eq!(curl_chat(&stack.server.url, None, &body.to_string()).status, 503);
    assert!(stack.server.logs().contains("the next backoff would end past the deadline"));
}

#[tokio::test]
async fn each_target_has_its_own_retry_budget() {
    // Ten tokens: two retries (5 each) on a target, then one attempt per call there.
    let args = [
        "--bedrock-max-attempts",
        "2",
        "--retry-jitter",
        "none",
        "--retry-initial-backoff",
        "1ms",
        "--retry-budget",
        "10",
    ];
    let stack = Stack::start_with(&args, &[]);
    let mut chat = stack.chat().await;
    for n in 0..3 {
        let _ = chat.chat_completion(ask(&format!("[[emulator:throttle]] budget-{n}"))).await.unwrap_err();
    }
    let tries: Vec<usize> = (0..3).map(|n| attempts_for(&stack, &format!("budget-{n}")).len()).collect();
    assert_eq!(tries, [2, 2, 1], "the third call finds the budget spent");
    assert!(stack.server.logs().contains("the target's retry budget is spent"));
    // Another model keeps its budget: its throttled first attempt is retried.
    let mut other = ask("[[emulator:throttle]] [[emulator:times=1]] budget-other");
    other.model = "amazon.nova-lite-v1:0".into();
    chat.chat_completion(other).await.expect("retried on its own budget");
    assert_eq!(attempts_for(&stack, "budget-other").len(), 2);
}

#[tokio::test]
async fn a_throttled_region_fails_over_to_the_next_in_the_chain() {
    let (_dir, path) = models_file(&format!("[failover]\n\"{MODEL}\" = [\"@us-west-2\"]\n"));
    let stack = Stack::start_with(&["--models-file", &path], &[]);
    let prompt = "[[emulator:throttle]] [[emulator:region=us-east-1]] region-failover";
    let response = stack.chat().await.chat_completion(ask(prompt)).await.expect("us-west-2 answers");
    assert_eq!(metadata(response.metadata(), "x-amazon-chat-region"), "us-west-2");
    assert_eq!(metadata(response.metadata(), "x-amazon-chat-attempts"), "2");
    let seen: Vec<(String, String)> =
        attempts_for(&stack, "region-failover").into_iter().map(|(r, _, o)| (r, o)).collect();
    assert_eq!(
        seen,
        [("us-east-1".into(), "error:ThrottlingException".into()), ("us-west-2".into(), "ok".into())]
    );
    assert!(stack.server.logs().contains("failing over"), "the failover is logged");

    // REST says so in headers too, and a stream fails over before it starts.
    let body = serde_json::json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "[[emulator:unavailable]] [[emulator:region=us-east-1]] stream-failover"}]});
    let rest = curl_chat(&stack.server.url, None, &body.to_string());
    assert_eq!((rest.status, rest.header("x-amazon-chat-region")), (200, Some("us-west-2")), "{}", rest.body);
    assert!(rest.body.contains("[DONE]"));
}

#[tokio::test]
async fn an_unavailable_model_fails_over_to_another_model() {
    let nova = "amazon.nova-lite-v1:0";
    let (_dir, path) =
        models_file(&format!("[aliases]\nfast = \"{MODEL}\"\n[failover]\nfast = [\"{nova}\"]\n"));
    let stack = Stack::start_with(&["--models-file", &path], &[]);
    let mut request = ask("[[emulator:unavailable]] [[emulator:model=claude-3-haiku]] model-failover");
    request.model = "fast".into();
    let response = stack.chat().await.chat_completion(request).await.expect("Nova answers");
    assert_eq!(metadata(response.metadata(), "x-amazon-chat-model-id"), nova);
    assert_eq!(response.get_ref().model, "fast", "the answer keeps the name the caller used");
    let models: Vec<String> = attempts_for(&stack, "model-failover").into_iter().map(|(_, m, _)| m).collect();
    assert_eq!(models, [MODEL, nova]);
}

#[tokio::test]
async fn a_stream_that_has_started_is_never_sent_twice() {
    let (_dir, path) = models_file(&format!("[failover]\n\"{MODEL}\" = [\"@us-west-2\"]\n"));
    let stack = Stack::start_with(&["--models-file", &path, "--bedrock-max-attempts", "3"], &[]);
    let stream = stack
        .chat()
        .await
        .stream_chat_completion(ask("[[emulator:stream-error]] started-stream words"))
        .await
        .expect("the stream starts");
    let (chunks, status) = collect(stream.into_inner()).await;
    assert!(!chunks.is_empty());
    assert_eq!(status.expect("the stream fails").code(), Code::Unavailable);
    assert_eq!(attempts_for(&stack, "started-stream").len(), 1, "no retry and no failover mid-stream");
}

#[tokio::test]
async fn an_upstream_that_accepts_no_connection_times_out_on_connect() {
    // A listener whose accept queue is full: the kernel drops further handshakes, as a dead host does.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into()).unwrap();
    socket.listen(0).unwrap();
    let address = socket.local_addr().unwrap().as_socket().unwrap();
    let mut held = Vec::new();
    for _ in 0..8 {
        let filler = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        filler.set_nonblocking(true).unwrap();
        let _ = filler.connect(&address.into());
        held.push(filler);
    }
    let stack = Stack::start_custom(&[], None, |emulator_url| {
        let args = [
            "--bedrock-endpoint",
            &format!("http://{address}"),
            "--bedrock-control-endpoint",
            emulator_url,
            "--connect-timeout",
            "300ms",
        ];
        (args.iter().map(|a| a.to_string()).collect(), demo_env())
    });
    let started = Instant::now();
    let status = stack.chat().await.chat_completion(ask("hello")).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("connecting to Bedrock"), "{}", status.message());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "bounded by the connect timeout, not the upstream one"
    );
    drop(held);
}

#[tokio::test]
async fn a_control_plane_that_never_answers_delays_start_by_the_bound_only() {
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap();
    let holder = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(16).flatten() {
            open.push(stream);
        }
    });
    let started = Instant::now();
    let stack = Stack::start_custom(&[], None, |_| {
        let args = ["--bedrock-control-endpoint", &format!("http://{address}")];
        (args.iter().map(|a| a.to_string()).collect(), demo_env())
    });
    assert!(started.elapsed() < Duration::from_secs(20), "serving within the first fetch's bound");
    stack
        .server
        .wait_for_log(Duration::from_secs(5), |l| l.contains("serving the built-in catalog meanwhile"));
    let response =
        stack.chat().await.chat_completion(ask("still serving")).await.expect("chat works meanwhile");
    assert!(answer_text(response.get_ref()).contains("still serving"));
    drop(holder);
}

#[tokio::test]
async fn stream_idle_and_first_byte_timeouts_end_the_call_as_deadline_exceeded() {
    let stack = Stack::start_with(&["--stream-idle-timeout", "300ms", "--upstream-timeout", "1500ms"], &[]);
    // The first event comes after 1 s (within the first-byte deadline), the next one 1 s later:
    // past the idle limit, mid-stream.
    let stream = stack
        .chat()
        .await
        .stream_chat_completion(ask("[[emulator:slow-stream=1s]] idle words here"))
        .await
        .expect("the first event is in time");
    let (_, status) = collect(stream.into_inner()).await;
    let status = status.expect("the stream ends with an error");
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert!(status.message().contains("sent nothing for"), "{}", status.message());
    let body = serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "[[emulator:delay=3s]] first-byte"}]});
    assert_eq!(curl_chat(&stack.server.url, None, &body.to_string()).status, 504);
}
