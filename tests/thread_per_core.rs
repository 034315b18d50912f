//! `--thread-per-core`: workers with a runtime, a listener (SO_REUSEPORT) and Bedrock connections
//! each, behind one port. Connections spread over the workers, every worker answers unary calls
//! and streams through its own connections to the emulator, the connection cap is the process's
//! (not a worker's), and SIGTERM drains every worker.

// Test code: a panic is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use common::*;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The names of the server's threads.
fn thread_names(pid: u32) -> Vec<String> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.unwrap().path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect()
}

/// `amazon_chat_connections_accepted_total{worker="N"}` from /metrics.
fn accepted_by(url: &str, worker: usize) -> f64 {
    let metrics = curl(url, "/metrics", &[]).body;
    let series = format!("amazon_chat_connections_accepted_total{{worker=\"{worker}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&series))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connections_spread_over_workers_that_each_answer_and_sigterm_drains_them_all() {
    let mut stack = Stack::start_with(&["--thread-per-core", "--worker-threads", "2"], &[]);
    let names = thread_names(stack.server.pid());
    assert!(names.iter().any(|n| n == "amazon-chat-w1"), "worker 1 runs: {names:?}");
    assert!(!names.iter().any(|n| n == "amazon-chat-w2"), "two workers, not more: {names:?}");

    // A channel each: a connection each, which the kernel hashes onto a worker. 32 connections all
    // landing on one of two workers has a chance of 2^-31.
    let mut calls = Vec::new();
    for i in 0..32 {
        let url = stack.server.url.clone();
        calls.push(tokio::spawn(async move {
            let channel = tonic::transport::Channel::from_shared(url).unwrap().connect().await.unwrap();
            let mut chat = api::chat_service_client::ChatServiceClient::new(channel);
            if i % 2 == 0 {
                let answer = chat.chat_completion(ask("hello")).await.unwrap().into_inner();
                assert!(!answer_text(&answer).is_empty());
            } else {
                let request = ask("hello");
                let (chunks, status) =
                    collect(chat.stream_chat_completion(request).await.unwrap().into_inner()).await;
                assert!(status.is_none(), "the stream ends cleanly: {status:?}");
                assert!(!streamed_text(&chunks).is_empty(), "a streamed answer");
            }
        }));
    }
    for call in calls {
        call.await.unwrap();
    }
    let url = stack.server.url.clone();
    let (zero, one) =
        tokio::task::spawn_blocking(move || (accepted_by(&url, 0), accepted_by(&url, 1))).await.unwrap();
    assert!(zero >= 1.0 && one >= 1.0, "both workers accepted connections: {zero} and {one}");
    assert!(zero + one >= 32.0, "every connection counted once: {zero} + {one}");
    assert_eq!(stack.recorded_ops("converse").len() + stack.recorded_ops("converse-stream").len(), 32);

    stack.server.terminate();
    let status = stack.server.wait_exit(Duration::from_secs(15)).expect("the server exits on SIGTERM");
    assert!(status.success(), "drained cleanly: {status:?}\n{}", stack.server.logs());
}

#[test]
fn the_connection_cap_is_the_process_not_a_worker() {
    let stack =
        Stack::start_with(&["--thread-per-core", "--worker-threads", "2", "--max-connections", "8"], &[]);
    let host = stack.server.url.trim_start_matches("http://").to_owned();
    // Eight silent connections, spread over both workers: per worker, each would be under a cap of
    // eight; for the process, the cap is reached and the next connection is served health only.
    let held: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(&host).unwrap()).collect();
    let body =
        serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string();
    let deadline = Instant::now() + Duration::from_secs(5);
    while curl_chat(&stack.server.url, None, &body).status != 503 {
        assert!(Instant::now() < deadline, "the ninth connection is refused chat at the process's cap");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(curl(&stack.server.url, "/health", &[]).status, 200, "health answers at the cap");
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    while curl_chat(&stack.server.url, None, &body).status != 200 {
        assert!(Instant::now() < deadline, "calls are served again once connections close");
        std::thread::sleep(Duration::from_millis(50));
    }
}
