//! Metrics: the Prometheus recorder, `/metrics` (on the main port, no key), and the per-call HTTP
//! metrics every protocol shares (requests by protocol, route and status; latency; in flight).
//! Chat-level metrics (tokens, time to first token, per model and key) come from
//! [`crate::chat::record`]; the metrics and log fields are listed in `docs/operations.md`.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Latency buckets, seconds: from a fast cached answer to a long generation.
const SECONDS: &[f64] =
    &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0];

/// Installs the process-wide recorder (once; later calls keep the first).
pub fn install() -> Result<(), String> {
    if HANDLE.get().is_some() {
        return Ok(());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS)
        .map_err(|e| format!("metrics: {e}"))?
        .install_recorder()
        .map_err(|e| format!("metrics: {e}"))?;
    // Histograms keep their samples until upkeep folds them into the buckets: without it they
    // grow with every call until the next scrape (or forever, when nothing scrapes).
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let _ = HANDLE.set(handle);
    Ok(())
}

/// `GET /metrics`: Prometheus' text format.
pub async fn render() -> Response {
    let body = HANDLE.get().map(PrometheusHandle::render).unwrap_or_default();
    ([(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// The route label: the gRPC method, or the REST path of a known route (`other` for the rest, so
/// a scan of random paths cannot grow the label set).
fn route(path: &str) -> &'static str {
    const ROUTES: &[&str] = &[
        "/amazon_chat.v1.ChatService/ChatCompletion",
        "/amazon_chat.v1.ChatService/StreamChatCompletion",
        "/amazon_chat.v1.ModelService/ListModels",
        "/amazon_chat.v1.ModelService/GetModel",
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/v1/chat/completions",
        "/v1/models",
        "/health",
        "/ready",
        "/metrics",
        "/openapi.json",
    ];
    if path.starts_with("/v1/models/") {
        return "/v1/models/{id}";
    }
    ROUTES.iter().copied().find(|r| *r == path).unwrap_or("other")
}

/// Counts and times every call, and keeps the in-flight gauge.
pub async fn layer(request: Request, next: Next) -> Response {
    let grpc = crate::grpc::is_grpc(request.headers());
    let protocol = if grpc { "grpc" } else { "rest" };
    let route = route(request.uri().path());
    let started = Instant::now();
    let _in_flight = InFlightGauge::new();
    let response = next.run(request).await;
    // gRPC answers HTTP 200; its status is in grpc-status (for streams: in the trailers, unseen here).
    let status = match response.headers().get("grpc-status").and_then(|v| v.to_str().ok()) {
        Some(code) => code.to_owned(),
        None if grpc => "0".to_owned(),
        None => response.status().as_u16().to_string(),
    };
    metrics::counter!("amazon_chat_requests_total", "protocol" => protocol, "route" => route, "status" => status)
        .increment(1);
    metrics::histogram!("amazon_chat_request_duration_seconds", "protocol" => protocol, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A call counted in `amazon_chat_in_flight_requests` while it runs, also when its future is
/// dropped midway (a client that disconnects).
struct InFlightGauge;

impl InFlightGauge {
    fn new() -> Self {
        metrics::gauge!("amazon_chat_in_flight_requests").increment(1.0);
        InFlightGauge
    }
}

impl Drop for InFlightGauge {
    fn drop(&mut self) {
        metrics::gauge!("amazon_chat_in_flight_requests").decrement(1.0);
    }
}
