//! Running the gateway for many teams: named keys with model lists, reloaded without a restart;
//! per-key rate limits on one replica and shared across two through a real `redis-server`.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

fn chat_as(url: &str, key: &str, model: &str) -> CurlResponse {
    let body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
    curl_chat(url, Some(key), &body.to_string())
}

/// Waits, if needed, until at least `room` seconds are left in the current UTC minute, so a test of
/// per-minute counters does not straddle two windows (bounded: at most `room` seconds).
fn away_from_a_minute_boundary(room: u64) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let into = now.as_secs() % 60;
    if into + room >= 60 {
        std::thread::sleep(Duration::from_secs(60 - into) + Duration::from_millis(200));
    }
}

#[tokio::test]
async fn a_key_uses_only_its_models_and_sees_only_them() {
    let keys = KeysFile::write(&[("team-a", r#"models = ["anthropic.claude-3-haiku-*"]"#), ("team-b", "")]);
    let path = keys.path();
    let stack = Stack::start_with(&["--keys-file", path.to_str().unwrap()], &[]);
    let url = &stack.server.url;
    assert_eq!(chat_as(url, keys.key("team-a"), MODEL).status, 200);
    let refused = chat_as(url, keys.key("team-a"), "amazon.nova-pro-v1:0");
    assert_eq!(refused.status, 403, "{}", refused.body);
    let error = &refused.json()["error"];
    assert_eq!(error["code"], "model_not_allowed");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("team-a") && message.contains("amazon.nova-pro-v1:0"), "{message}");
    assert!(!message.contains(keys.key("team-a")), "the key itself never appears");
    assert_eq!(chat_as(url, keys.key("team-b"), "amazon.nova-pro-v1:0").status, 200, "team-b may use all");

    let auth = format!("Authorization: Bearer {}", keys.key("team-a"));
    let listed = curl(url, "/v1/models", &["-H", &auth]).json();
    let ids: Vec<&str> =
        listed["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [MODEL], "team-a sees its model only");
    assert_eq!(curl(url, "/v1/models/amazon.nova-pro-v1:0", &["-H", &auth]).status, 403);

    // gRPC: the same policy.
    let mut grpc = stack.models().await;
    let mut list = tonic::Request::new(amazon_chat::proto::v1::ListModelsRequest::default());
    list.metadata_mut().insert("authorization", format!("Bearer {}", keys.key("team-a")).parse().unwrap());
    let models = grpc.list_models(list).await.unwrap().into_inner();
    assert_eq!(models.data.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [MODEL]);
    let mut chat = stack.chat().await;
    let mut nova = tonic::Request::new(amazon_chat::proto::v1::ChatCompletionRequest {
        model: "amazon.nova-pro-v1:0".into(),
        ..ask("hi")
    });
    nova.metadata_mut().insert("authorization", format!("Bearer {}", keys.key("team-a")).parse().unwrap());
    assert_eq!(chat.chat_completion(nova).await.unwrap_err().code(), tonic::Code::PermissionDenied);
    let logs = stack.server.logs();
    assert!(logs.contains("team-a") && !logs.contains(keys.key("team-a")), "names in logs, never keys");
}

#[test]
fn the_keys_file_is_reloaded_on_change_and_a_broken_one_is_refused() {
    let keys = KeysFile::write(&[("first", "")]);
    let path = keys.path();
    let stack = Stack::start_with(&["--keys-file", path.to_str().unwrap()], &[]);
    let url = stack.server.url.clone();
    let first = keys.key("first").to_owned();
    assert_eq!(chat_as(&url, &first, MODEL).status, 200);
    let keys = keys.rewrite(&[("second", "")]);
    let second = keys.key("second").to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while chat_as(&url, &second, MODEL).status != 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(chat_as(&url, &second, MODEL).status, 200, "the new key works without a restart");
    assert_eq!(chat_as(&url, &first, MODEL).status, 401, "the removed key stops working");
    std::fs::write(keys.path(), "[[keys]]\nname = \"broken\"\nsha256 = \"not-hex\"\n").unwrap();
    let _ = std::process::Command::new("kill").args(["-HUP", &stack.server.pid().to_string()]).status();
    let logs = stack.server.wait_for_log(Duration::from_secs(10), |l| l.contains("keys file refused"));
    assert!(logs.contains("keys[0] (\"broken\")"), "the log names the entry: {logs}");
    assert_eq!(chat_as(&url, &second, MODEL).status, 200, "the keys in force stay");
}

#[test]
fn requests_per_minute_are_limited_with_openais_headers() {
    away_from_a_minute_boundary(8);
    let keys = KeysFile::write(&[("small", "requests_per_minute = 3")]);
    let path = keys.path();
    let stack = Stack::start_with(&["--keys-file", path.to_str().unwrap()], &[]);
    let url = &stack.server.url;
    let key = keys.key("small");
    let remaining: Vec<String> = (0..3)
        .map(|_| {
            let response = chat_as(url, key, MODEL);
            assert_eq!(response.status, 200, "{}", response.body);
            assert_eq!(response.header("x-ratelimit-limit-requests"), Some("3"));
            response.header("x-ratelimit-remaining-requests").unwrap().to_owned()
        })
        .collect();
    assert_eq!(remaining, ["2", "1", "0"]);
    let refused = chat_as(url, key, MODEL);
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "rate_limit_exceeded");
    assert_eq!(refused.json()["error"]["type"], "rate_limit_error");
    assert!(refused.json()["error"]["message"].as_str().unwrap().contains("small"));
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(refused.header("x-ratelimit-remaining-requests"), Some("0"));
    assert!(refused.header("x-ratelimit-reset-requests").unwrap().ends_with('s'));
}

#[tokio::test]
async fn concurrent_streams_are_limited_and_released() {
    let keys = KeysFile::write(&[("one-stream", "concurrent_streams = 1")]);
    let path = keys.path();
    let stack = Stack::start_with(&["--keys-file", path.to_str().unwrap()], &[]);
    let key = keys.key("one-stream").to_owned();
    let authorized = |text: &str| {
        let mut request = tonic::Request::new(ask(text));
        request.metadata_mut().insert("authorization", format!("Bearer {key}").parse().unwrap());
        request
    };
    let mut chat = stack.chat().await;
    let mut open = chat
        .stream_chat_completion(authorized("[[emulator:slow-stream=100ms]] a b c d e"))
        .await
        .unwrap()
        .into_inner();
    open.message().await.unwrap();
    let refused = chat.stream_chat_completion(authorized("second")).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
    assert!(refused.message().contains("concurrent streams"), "{}", refused.message());
    let (_, status) = collect(open).await;
    assert!(status.is_none());
    // The release is bookkeeping off the request path: give it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match chat.stream_chat_completion(authorized("third")).await {
            Ok(stream) => {
                assert!(collect(stream.into_inner()).await.1.is_none());
                break;
            }
            Err(status) if Instant::now() < deadline && status.code() == tonic::Code::ResourceExhausted => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => panic!("the stream was not released: {status:?}"),
        }
    }
}

/// A real `redis-server` on a free loopback port, killed on drop.
struct Redis {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Redis {
    fn start(port: Option<u16>) -> Redis {
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
        });
        let dir = tempfile::tempdir().unwrap();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is installed (Debian package redis-server; .ci/run installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Redis { child, port, _dir: dir }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn replica(emulator: &Process, keys: &Path, redis: &str) -> Process {
    let args = [
        "serve",
        "--port",
        "0",
        "--bedrock-endpoint",
        &emulator.url,
        "--bedrock-max-attempts",
        "1",
        "--keys-file",
        keys.to_str().unwrap(),
        "--redis-url",
        redis,
    ];
    Process::start(
        &args,
        &[
            ("AWS_ACCESS_KEY_ID", amazon_chat::emulator::DEMO_ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", amazon_chat::emulator::DEMO_SECRET_ACCESS_KEY),
            ("AWS_REGION", "us-east-1"),
        ],
    )
}

#[test]
fn two_replicas_share_one_budget_through_redis_and_fail_open_without_it() {
    away_from_a_minute_boundary(8);
    let redis = Redis::start(None);
    let keys = KeysFile::write(&[("shared", "requests_per_minute = 10")]);
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let a = replica(&emulator, &keys.path(), &redis.url());
    let b = replica(&emulator, &keys.path(), &redis.url());
    let key = keys.key("shared");
    // Uneven traffic: 12 calls to one replica, 4 to the other, interleaved.
    let mut admitted = 0;
    for i in 0..16 {
        let url = if i % 4 == 3 { &b.url } else { &a.url };
        let status = chat_as(url, key, MODEL).status;
        assert!(status == 200 || status == 429, "{status}");
        admitted += usize::from(status == 200);
    }
    assert_eq!(admitted, 10, "exactly the limit in total, not the limit per replica");

    // Redis gone: each replica falls back to its own counters (fail open), and says so.
    let port = redis.port;
    drop(redis);
    let status = chat_as(&a.url, key, MODEL).status;
    assert_eq!(status, 200, "fail open: this replica's own counter has room");
    let logs = a.wait_for_log(Duration::from_secs(5), |l| l.contains("Redis is unreachable"));
    assert!(logs.contains("fall back"), "{logs}");

    // Redis back (empty, on the same port): shared again, by itself.
    let _redis = Redis::start(Some(port));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let _ = chat_as(&a.url, key, MODEL);
        if a.logs().contains("Redis is back") {
            break;
        }
        assert!(Instant::now() < deadline, "the replica did not go back to Redis: {}", a.logs());
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// One sample of the text format: name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

/// Prometheus' text format, parsed: (name, labels, value) per sample; comments checked for shape.
fn parse_metrics(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            assert!(comment.starts_with("TYPE ") || comment.starts_with("HELP "), "{line}");
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("not a number: {line}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels: {line}"));
                let labels = body
                    .split("\",")
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("bad label: {line}"));
                        (k.to_owned(), v.trim_end_matches('"').to_owned())
                    })
                    .collect();
                (name.to_owned(), labels)
            }
            None => (series.to_owned(), Vec::new()),
        };
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "{line}");
        samples.push((name, labels, value));
    }
    samples
}

fn sample(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name && labels.iter().all(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, _, v)| v)
        .sum()
}

#[tokio::test]
async fn metrics_are_scraped_without_a_key_and_count_calls_tokens_and_limits() {
    away_from_a_minute_boundary(8);
    let keys = KeysFile::write(&[("metered", "requests_per_minute = 2")]);
    let path = keys.path();
    let stack = Stack::start_with(&["--keys-file", path.to_str().unwrap()], &[]);
    let url = &stack.server.url;
    let key = keys.key("metered");
    for _ in 0..3 {
        chat_as(url, key, MODEL);
    }
    let body = json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let _ = curl_chat(url, Some(key), &body.to_string()); // over the limit: refused
    let scrape = curl(url, "/metrics", &[]);
    assert_eq!(scrape.status, 200, "no key needed");
    assert!(scrape.header("content-type").unwrap().starts_with("text/plain"));
    let samples = parse_metrics(&scrape.body);
    let ok = [("model", MODEL), ("key", "metered"), ("status", "ok")];
    assert_eq!(sample(&samples, "amazon_chat_completions_total", &ok), 2.0);
    assert_eq!(sample(&samples, "amazon_chat_rate_limited_total", &[("key", "metered")]), 2.0);
    assert_eq!(
        sample(
            &samples,
            "amazon_chat_requests_total",
            &[("protocol", "rest"), ("route", "/v1/chat/completions"), ("status", "429")]
        ),
        2.0
    );
    let output = sample(&samples, "amazon_chat_tokens_total", &[("direction", "output"), ("key", "metered")]);
    assert_eq!(output, 6.0, "\"You said: hi\" is 3 tokens to the emulator; 2 answers");
    assert!(
        sample(&samples, "amazon_chat_request_duration_seconds_count", &[("route", "/v1/chat/completions")])
            >= 4.0
    );
    assert!(samples.iter().any(|(n, _, _)| n == "amazon_chat_in_flight_requests"));
    // Label values are bounded: an unknown route is "other", however many are tried.
    for path in ["/a", "/b", "/c"] {
        curl(url, path, &[]);
    }
    let samples = parse_metrics(&curl(url, "/metrics", &[]).body);
    assert!(
        samples.iter().all(|(_, labels, _)| labels.iter().all(|(k, v)| k != "route" || !v.starts_with("/a")))
    );
}

#[test]
fn one_json_access_record_per_call_with_who_what_and_how_much() {
    let keys = KeysFile::write(&[("logged", "")]);
    let path = keys.path();
    let stack = Stack::start_with(&["--keys-file", path.to_str().unwrap(), "--log-format", "json"], &[]);
    let body = json!({"model": MODEL, "user": "end-user-7", "messages": [{"role": "user", "content": "hello there"}]});
    let response = curl(
        &stack.server.url,
        "/v1/chat/completions",
        &[
            "-H",
            "Content-Type: application/json",
            "-H",
            &format!("Authorization: Bearer {}", keys.key("logged")),
            "-H",
            "x-request-id: req-abc-123",
            "--data-binary",
            &body.to_string(),
        ],
    );
    assert_eq!(response.status, 200);
    let logs = stack.server.wait_for_log(Duration::from_secs(5), |l| l.contains("chat call finished"));
    let records: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["message"] == "chat call finished")
        .collect();
    assert_eq!(records.len(), 1, "one record per call: {logs}");
    let record = &records[0];
    assert_eq!(record["level"], "INFO");
    assert_eq!(record["key"], "logged");
    assert_eq!(record["model"], MODEL);
    assert_eq!(record["model_called"], MODEL);
    assert_eq!(record["region"], "us-east-1");
    assert_eq!(record["status"], "ok");
    assert_eq!(record["stream"], false);
    assert_eq!(record["user"], "end-user-7");
    assert_eq!((record["input_tokens"].as_u64(), record["output_tokens"].as_u64()), (Some(2), Some(4)));
    assert!(record["latency_ms"].is_u64());
    assert_eq!(record["upstream_attempts"], 1, "one attempt at Bedrock, counted by the SDK interceptor");
    let span = &record["span"];
    assert_eq!(span["request_id"], "req-abc-123", "{record}");
    assert_eq!(span["protocol"], "rest");
    assert!(!logs.contains(keys.key("logged")));
}

#[tokio::test]
async fn past_the_in_flight_cap_calls_are_refused_at_once_and_health_still_answers() {
    let stack = Stack::start_with(&["--max-in-flight", "1"], &[]);
    let mut chat = stack.chat().await;
    let slow = tokio::spawn(async move { chat.chat_completion(ask("[[emulator:delay=1500ms]] slow")).await });
    let deadline = Instant::now() + Duration::from_secs(5);
    while stack.recorded_ops("converse").is_empty() {
        assert!(Instant::now() < deadline, "the slow call never reached Bedrock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    let refused = curl_chat(
        &stack.server.url,
        None,
        &json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string(),
    );
    assert!(started.elapsed() < Duration::from_millis(1000), "refused at once, not queued");
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "overloaded");
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(curl(&stack.server.url, "/health", &[]).status, 200, "health answers at the cap");
    assert_eq!(curl(&stack.server.url, "/ready", &[]).status, 200);
    assert!(slow.await.unwrap().is_ok(), "the call in flight finishes");
    let after = curl_chat(
        &stack.server.url,
        None,
        &json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string(),
    );
    assert_eq!(after.status, 200);
}

#[tokio::test]
async fn past_the_open_streams_cap_new_streams_are_refused() {
    let stack = Stack::start_with(&["--max-open-streams", "1"], &[]);
    let mut chat = stack.chat().await;
    let mut open = chat
        .stream_chat_completion(ask("[[emulator:slow-stream=100ms]] a b c d"))
        .await
        .unwrap()
        .into_inner();
    open.message().await.unwrap();
    let refused = chat.stream_chat_completion(ask("second")).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unavailable);
    assert!(refused.message().contains("streams open"), "{}", refused.message());
    assert!(chat.chat_completion(ask("unary is not a stream")).await.is_ok());
    assert!(collect(open).await.1.is_none());
    assert!(chat.stream_chat_completion(ask("third")).await.is_ok(), "the slot came back");
}
