//! The overload run: a second server with a small `--max-in-flight`, in front of an emulator that
//! takes a fixed time per call, offered several times its capacity (open loop). What a gateway
//! under overload should show: goodput near capacity, refused calls refused fast (503 at once, not
//! queued), and admitted calls' latency bounded.

use super::procs::{self, Process};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;
use tokio::time::Instant;

/// Calls in flight the server takes.
pub const MAX_IN_FLIGHT: usize = 16;
/// How long the emulator takes per call.
pub const UPSTREAM: Duration = Duration::from_millis(50);

/// What the overload run found.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Overload {
    /// The server's capacity by construction: MAX_IN_FLIGHT / UPSTREAM, req/s.
    pub capacity: f64,
    /// Offered, req/s.
    pub offered: f64,
    /// Answered 200, req/s.
    pub goodput: f64,
    /// Answered 503 (shed), share of all calls.
    pub shed_share: f64,
    /// Other outcomes (errors that are not shedding).
    pub other_failures: usize,
    /// Admitted calls: p50 and p99 latency, ms.
    pub admitted_p50_ms: f64,
    /// See above.
    pub admitted_p99_ms: f64,
    /// Shed calls: p50 and p99 latency, ms.
    pub shed_p50_ms: f64,
    /// See above.
    pub shed_p99_ms: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Runs it: `multiple` times the capacity, for `seconds`.
pub async fn run(bin: &Path, emulator: &Process, multiple: f64, seconds: f64) -> Overload {
    let (mut args, env) = procs::server_command(&emulator.url, &[]);
    args.extend(["--max-in-flight".to_owned(), MAX_IN_FLIGHT.to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let server = Process::start(bin, &args, &env);
    let capacity = MAX_IN_FLIGHT as f64 / UPSTREAM.as_secs_f64();
    let offered = capacity * multiple;
    let body = Bytes::from(
        serde_json::json!({"model": super::workload::MODEL, "messages": [{"role": "user",
            "content": format!("[[emulator:delay={}ms]] hello", UPSTREAM.as_millis())}]})
        .to_string(),
    );
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let url = format!("{}/v1/chat/completions", server.url);
    let count = (offered * seconds).round() as u32;
    let interval = Duration::from_secs_f64(1.0 / offered);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(count as usize);
    for i in 0..count {
        let scheduled = start + interval * i;
        tokio::time::sleep_until(scheduled).await;
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let request = hyper::Request::post(&url)
                .header("content-type", "application/json")
                .body(Full::new(body))
                .expect("request");
            let status = match client.request(request).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let _ = response.into_body().collect().await;
                    status
                }
                Err(_) => 0,
            };
            (status, scheduled.elapsed())
        }));
    }
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(task.await.unwrap_or((0, Duration::ZERO)));
    }
    let elapsed = start.elapsed().as_secs_f64().max(seconds);
    let mut admitted: Vec<Duration> = outcomes.iter().filter(|(s, _)| *s == 200).map(|(_, d)| *d).collect();
    let mut shed: Vec<Duration> = outcomes.iter().filter(|(s, _)| *s == 503).map(|(_, d)| *d).collect();
    admitted.sort();
    shed.sort();
    Overload {
        capacity,
        offered,
        goodput: admitted.len() as f64 / elapsed,
        shed_share: shed.len() as f64 / outcomes.len().max(1) as f64,
        other_failures: outcomes.len() - admitted.len() - shed.len(),
        admitted_p50_ms: percentile(&admitted, 0.5),
        admitted_p99_ms: percentile(&admitted, 0.99),
        shed_p50_ms: percentile(&shed, 0.5),
        shed_p99_ms: percentile(&shed, 0.99),
    }
}
