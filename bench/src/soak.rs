//! The soak: minutes of mixed traffic against one server, to show that nothing accumulates and
//! that the only errors are the ones the faults cause.
//!
//! Workers send, round-robin: gRPC unary calls, REST SSE streams, gRPC streams the client drops
//! after the first chunk, REST calls the client abandons before the answer, calls that Bedrock
//! throttles once (the server's retry must answer them), calls Bedrock refuses every time (they
//! must fail UNAVAILABLE), and streams Bedrock breaks mid-way (they must end with an error event).
//! Each call's outcome is checked against what its kind must give. The server's resident memory
//! and open descriptors are sampled every second; at the end the in-flight and open-stream gauges
//! must be back at zero.

use super::mb;
use super::procs::{self, Process};
use amazon_chat::proto::v1 as api;
use api::chat_service_client::ChatServiceClient;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

/// Concurrent workers.
const WORKERS: usize = 16;
/// The model the calls name.
const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";
/// The model of the calls Bedrock always refuses. Retry budgets are per model and region, and
/// these calls spend theirs (that is the budget's job: stop retrying what keeps failing), so they
/// get a model of their own, or the throttled-once calls would find no budget left to retry with.
const FAILING_MODEL: &str = "meta.llama3-8b-instruct-v1:0";

/// The kinds of call, each with the outcome it must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    /// gRPC unary: OK with an answer.
    GrpcUnary,
    /// REST SSE: 200, chunks, `[DONE]`.
    RestSse,
    /// gRPC stream dropped by the client after its first chunk.
    GrpcStreamDropped,
    /// REST unary the client abandons while Bedrock is still thinking.
    RestAbandoned,
    /// REST unary throttled once by Bedrock: the retry answers, 200 with attempts 2.
    RestThrottledOnce,
    /// gRPC unary Bedrock answers 503 every time: UNAVAILABLE once the attempts run out.
    GrpcUnavailable,
    /// REST SSE Bedrock breaks mid-way: 200, some chunks, then an error event.
    RestStreamBroken,
}

const KINDS: [Kind; 7] = [
    Kind::GrpcUnary,
    Kind::RestSse,
    Kind::GrpcStreamDropped,
    Kind::RestAbandoned,
    Kind::RestThrottledOnce,
    Kind::GrpcUnavailable,
    Kind::RestStreamBroken,
];

/// What the soak found.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Soak {
    /// How long traffic ran, s.
    pub seconds: f64,
    /// Calls made, per kind.
    pub calls: BTreeMap<String, u64>,
    /// Calls whose outcome was not their kind's, with the first few descriptions.
    pub unexpected: u64,
    /// See above.
    pub unexpected_examples: Vec<String>,
    /// Resident memory after the first tenth of the run (warmed up), MB.
    pub rss_warm_mb: f64,
    /// Resident memory at the end of traffic, MB.
    pub rss_end_mb: f64,
    /// The highest sample, MB.
    pub rss_max_mb: f64,
    /// Open descriptors after the warm-up and at the end of traffic.
    pub fds_warm: u64,
    /// See above.
    pub fds_end: u64,
    /// `amazon_chat_in_flight_requests` (not counting the scrape) and `amazon_chat_open_streams`
    /// once traffic stopped.
    pub in_flight_after: f64,
    /// See above.
    pub open_streams_after: f64,
}

impl Soak {
    /// Whether it passed: no unexpected outcome, and the gauges back at zero.
    pub fn passed(&self) -> bool {
        self.unexpected == 0 && self.in_flight_after == 0.0 && self.open_streams_after == 0.0
    }

    /// The report section.
    pub fn markdown(&self) -> String {
        let total: u64 = self.calls.values().sum();
        let mut out = format!(
            "## Soak\n\n{:.0} s of mixed traffic from {WORKERS} workers, {total} calls: {}.\n\n",
            self.seconds,
            self.calls.iter().map(|(kind, n)| format!("{kind} {n}")).collect::<Vec<_>>().join(", ")
        );
        out += "| | after warm-up | end | max |\n|---|---|---|---|\n";
        out += &format!(
            "| resident memory, MB | {:.1} | {:.1} | {:.1} |\n",
            self.rss_warm_mb, self.rss_end_mb, self.rss_max_mb
        );
        out += &format!("| open descriptors | {} | {} | |\n\n", self.fds_warm, self.fds_end);
        out += &format!(
            "Outcomes other than their kind's: {}. Gauges after traffic: in flight {}, open streams {}.\n",
            self.unexpected, self.in_flight_after, self.open_streams_after
        );
        for example in &self.unexpected_examples {
            out += &format!("- {example}\n");
        }
        out
    }
}

/// Runs the soak for `seconds` against a server of its own (retries on, short backoffs) in front
/// of `emulator`.
pub async fn run(bin: &Path, emulator: &Process, seconds: f64) -> Soak {
    let (mut args, env) = procs::server_command(&emulator.url, &[]);
    // The server's own retries answer the throttled-once calls; backoffs short so that the
    // always-failing calls do not dominate the run.
    if let Some(at) = args.iter().position(|arg| arg == "--bedrock-max-attempts") {
        args[at + 1] = "3".to_owned();
    }
    args.extend(["--retry-initial-backoff", "5ms", "--retry-max-backoff", "20ms"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let server = Process::start(bin, &args, &env);
    let pid = server.pid();
    let channel = Channel::from_shared(server.url.clone()).expect("url").connect().await.expect("connect");
    let caller = Arc::new(Caller {
        grpc: ChatServiceClient::new(channel),
        http: Client::builder(hyper_util::rt::TokioExecutor::new()).build_http(),
        url: server.url.clone(),
        nonce: AtomicU64::new(0),
    });

    let run_for = Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        while started.elapsed() < run_for {
            samples.push((started.elapsed(), procs::memory(pid).0, open_descriptors(pid)));
            tokio::time::sleep(Duration::from_secs(1).min(run_for / 10)).await;
        }
        samples.push((started.elapsed(), procs::memory(pid).0, open_descriptors(pid)));
        samples
    });
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let caller = caller.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                let mut turn = worker;
                while started.elapsed() < run_for {
                    let kind = KINDS[turn % KINDS.len()];
                    turn += 1;
                    outcomes.push((kind, caller.call(kind).await));
                }
                outcomes
            })
        })
        .collect();

    let mut soak = Soak { seconds, ..Soak::default() };
    for worker in workers {
        for (kind, outcome) in worker.await.expect("a worker") {
            let name = serde_json::to_value(kind).expect("kind").as_str().unwrap_or_default().to_owned();
            *soak.calls.entry(name).or_default() += 1;
            if let Err(what) = outcome {
                soak.unexpected += 1;
                if soak.unexpected_examples.len() < 5 {
                    soak.unexpected_examples.push(format!("{kind:?}: {what}"));
                }
            }
        }
    }
    let samples = sampler.await.expect("the sampler");
    let warm = samples.iter().find(|(at, _, _)| *at >= run_for / 10).or(samples.first()).copied();
    let end = samples.last().copied();
    if let (Some(warm), Some(end)) = (warm, end) {
        (soak.rss_warm_mb, soak.fds_warm) = (mb(warm.1), warm.2);
        (soak.rss_end_mb, soak.fds_end) = (mb(end.1), end.2);
    }
    soak.rss_max_mb = mb(samples.iter().map(|s| s.1).max().unwrap_or(0));
    // Abandoned calls end on the server when it notices the closed connection: give it a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let metrics = caller.get("/metrics").await.unwrap_or_default();
    // The scrape is itself a call in flight.
    soak.in_flight_after = gauge(&metrics, "amazon_chat_in_flight_requests").map_or(f64::NAN, |n| n - 1.0);
    soak.open_streams_after = gauge(&metrics, "amazon_chat_open_streams").unwrap_or(0.0);
    soak
}

struct Caller {
    grpc: ChatServiceClient<Channel>,
    http: Client<HttpConnector, Full<Bytes>>,
    url: String,
    /// Makes each faulted prompt unique: the emulator's `times=1` counts per body.
    nonce: AtomicU64,
}

impl Caller {
    /// One call of `kind`: `Ok` when its outcome is the one the kind must have.
    async fn call(&self, kind: Kind) -> Result<(), String> {
        let nonce = self.nonce.fetch_add(1, Ordering::Relaxed);
        match kind {
            Kind::GrpcUnary => {
                let answer =
                    self.grpc_unary(MODEL, "[[emulator:words=8]] soak").await.map_err(|s| s.to_string())?;
                nonempty(&answer)
            }
            Kind::GrpcUnavailable => {
                match self.grpc_unary(FAILING_MODEL, "[[emulator:unavailable]] soak").await {
                    Err(status) if status.code() == tonic::Code::Unavailable => Ok(()),
                    other => Err(format!("wanted UNAVAILABLE, got {other:?}")),
                }
            }
            Kind::GrpcStreamDropped => {
                let mut stream = self
                    .grpc
                    .clone()
                    .stream_chat_completion(request(
                        MODEL,
                        "[[emulator:words=40]] [[emulator:slow-stream=20ms]] soak",
                    ))
                    .await
                    .map_err(|s| s.to_string())?
                    .into_inner();
                match stream.message().await {
                    Ok(Some(_)) => Ok(()),
                    other => Err(format!("wanted a first chunk, got {other:?}")),
                }
            }
            Kind::RestSse => {
                let (status, _, body) = self.rest("[[emulator:words=8]] soak", true).await?;
                expect(status == 200 && body.ends_with("data: [DONE]\n\n"), &status, &body)
            }
            Kind::RestStreamBroken => {
                let (status, _, body) = self.rest("[[emulator:stream-error]] soak", true).await?;
                expect(status == 200 && body.contains("\"error\""), &status, &body)
            }
            Kind::RestThrottledOnce => {
                let prompt = format!("[[emulator:throttle]] [[emulator:times=1]] soak {nonce}");
                let (status, attempts, body) = self.rest(&prompt, false).await?;
                expect(status == 200 && attempts.as_deref() == Some("2"), &status, &body)
            }
            Kind::RestAbandoned => {
                let call = self.rest("[[emulator:delay=200ms]] soak", false);
                match tokio::time::timeout(Duration::from_millis(20), call).await {
                    Err(_) => Ok(()),
                    Ok(answer) => Err(format!("answered before the client gave up: {answer:?}")),
                }
            }
        }
    }

    async fn grpc_unary(&self, model: &str, prompt: &str) -> Result<String, tonic::Status> {
        let reply = self.grpc.clone().chat_completion(request(model, prompt)).await?.into_inner();
        let message = reply.choices.into_iter().next().and_then(|c| c.message);
        Ok(match message.and_then(|m| m.content) {
            Some(api::message::Content::Text(text)) => text,
            _ => String::new(),
        })
    }

    /// A chat call over REST: status, the `x-amazon-chat-attempts` header and the body.
    async fn rest(&self, prompt: &str, stream: bool) -> Result<(u16, Option<String>, String), String> {
        let body = serde_json::json!({
            "model": MODEL, "stream": stream, "messages": [{"role": "user", "content": prompt}]
        });
        let request = hyper::Request::post(format!("{}/v1/chat/completions", self.url))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| e.to_string())?;
        let response = self.http.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let attempts =
            response.headers().get("x-amazon-chat-attempts").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, attempts, String::from_utf8_lossy(&bytes).into_owned()))
    }

    async fn get(&self, path: &str) -> Option<String> {
        let request =
            hyper::Request::get(format!("{}{path}", self.url)).body(Full::new(Bytes::new())).ok()?;
        let response = self.http.request(request).await.ok()?;
        let bytes = response.into_body().collect().await.ok()?.to_bytes();
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn request(model: &str, prompt: &str) -> api::ChatCompletionRequest {
    api::ChatCompletionRequest {
        model: model.to_owned(),
        messages: vec![api::Message {
            role: "user".to_owned(),
            content: Some(api::message::Content::Text(prompt.to_owned())),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn nonempty(answer: &str) -> Result<(), String> {
    if answer.is_empty() { Err("an empty answer".to_owned()) } else { Ok(()) }
}

fn expect(holds: bool, status: &u16, body: &str) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        let end: String = body.chars().rev().take(160).collect::<Vec<_>>().into_iter().rev().collect();
        Err(format!("status {status}, body ending {end:?}"))
    }
}

/// A gauge's value in Prometheus text (the unlabelled series).
fn gauge(metrics: &str, name: &str) -> Option<f64> {
    metrics.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

fn open_descriptors(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|dir| dir.count() as u64).unwrap_or(0)
}
