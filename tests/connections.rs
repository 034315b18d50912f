//! What an unauthenticated peer can hold, and what a bad day upstream does to the pool: the
//! connection cap (health checks still answer at it), idle connections closed, one aggregated log
//! line for a flood of wrong keys, a REST client that goes away closing the upstream stream, and
//! the emulator killed and restarted mid-run.

// Test code: a panic is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn host(stack: &Stack) -> String {
    stack.server.url.trim_start_matches("http://").to_owned()
}

/// Opens `n` connections that send nothing.
fn silent_connections(host: &str, n: usize) -> Vec<TcpStream> {
    (0..n).map(|_| TcpStream::connect(host).unwrap()).collect()
}

/// Waits until `check` holds (polling), or fails with `what`.
fn eventually(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn at_the_connection_cap_health_still_answers_and_the_rest_get_503() {
    let stack = Stack::start_with(&["--max-connections", "8"], &[]);
    let held = silent_connections(&host(&stack), 8);
    // The accept loop takes them in order; wait until the server holds all eight.
    eventually(Duration::from_secs(5), "the over-cap connection is not served health-only", || {
        curl_chat(
            &stack.server.url,
            None,
            &serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string(),
        )
        .status
            == 503
    });
    assert_eq!(curl(&stack.server.url, "/health", &[]).status, 200, "health answers at the cap");
    assert_eq!(curl(&stack.server.url, "/ready", &[]).status, 200);
    drop(held);
    eventually(Duration::from_secs(5), "calls are served again once connections close", || {
        curl_chat(
            &stack.server.url,
            None,
            &serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string(),
        )
        .status
            == 200
    });
}

#[test]
fn connections_that_say_nothing_are_closed_after_the_idle_timeout() {
    let stack = Stack::start_with(&["--idle-timeout", "300ms", "--header-read-timeout", "30s"], &[]);
    let mut silent = TcpStream::connect(host(&stack)).unwrap();
    silent.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut buffer = Vec::new();
    let _ = silent.read_to_end(&mut buffer);
    assert!(started.elapsed() < Duration::from_secs(3), "the server closed it, not our 5 s read timeout");

    // A connection with a call in flight is not idle, however long the call takes.
    let body = serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "[[emulator:delay=1s]] slow but fine"}]});
    assert_eq!(curl_chat(&stack.server.url, None, &body.to_string()).status, 200);
}

#[test]
fn a_flood_of_wrong_keys_writes_one_log_line_with_a_count() {
    let stack = Stack::start_with(&["--api-key", "sk-right"], &[]);
    let body =
        serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string();
    for _ in 0..20 {
        assert_eq!(curl_chat(&stack.server.url, Some("sk-wrong"), &body).status, 401);
    }
    let logs = stack.server.logs();
    let lines = logs.lines().filter(|l| l.contains("API key")).count();
    assert_eq!(lines, 1, "one line for twenty rejections:\n{logs}");
    assert!(!logs.contains("sk-wrong"), "the key itself is never logged");
}

#[test]
fn a_rest_client_that_goes_away_closes_the_upstream_stream() {
    let stack = Stack::start();
    let prompt = format!("[[emulator:slow-stream=100ms]] rest-gone {}", "word ".repeat(100));
    let body = serde_json::json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": prompt}]}).to_string();
    let mut socket = TcpStream::connect(host(&stack)).unwrap();
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).unwrap();
    let mut first = [0u8; 512];
    let read = socket.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..read]).contains("200 OK"));
    eventually(Duration::from_secs(5), "the stream is open upstream", || {
        stack.last_recorded()["outcome"] == "streaming"
    });
    drop(socket);
    // 100 words at 100 ms would take 10 s; the emulator must see the close long before.
    eventually(Duration::from_secs(5), "the upstream stream was not closed", || {
        stack.last_recorded()["outcome"] == "client_closed"
    });
}

#[tokio::test]
async fn an_emulator_killed_and_restarted_mid_run_is_unavailable_then_recovers() {
    let mut stack = Stack::start();
    let mut chat = stack.chat().await;
    chat.chat_completion(ask("before")).await.expect("served");
    let port = stack.emulator.url.rsplit(':').next().unwrap().to_owned();
    stack.emulator.terminate();
    stack.emulator.wait_exit(Duration::from_secs(5)).expect("the emulator stops");
    let status = chat.chat_completion(ask("while down")).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
    // Back on the same port: the pool reconnects on its own.
    stack.emulator = Process::start(&["emulator", "--port", &port], &[]);
    let mut answered = false;
    for _ in 0..50 {
        if chat.chat_completion(ask("after")).await.is_ok() {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered, "the server recovers without a restart");
}
