//! Layers that protect the server from its callers and from itself: a panic in a handler becomes
//! INTERNAL / 500 with a log line (never a dropped connection), and an incoming `x-request-id` is
//! kept only when it is short and plain (at most 128 characters of letters, digits, `.`, `_`, `:`,
//! `-`); otherwise a fresh one is made, so a caller cannot inflate or forge log lines with it.

use crate::error::{Error, ErrorKind};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures::FutureExt as _;
use std::panic::AssertUnwindSafe;

/// The longest request id kept.
pub const MAX_REQUEST_ID_CHARS: usize = 128;

/// Whether an incoming request id is kept as it is.
pub fn is_plain_request_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_CHARS
        && id.chars().all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c))
}

/// Drops an `x-request-id` that is not plain, so the request-id layer makes a fresh one.
pub async fn sanitize_request_id(mut request: Request, next: Next) -> Response {
    let plain = request.headers().get("x-request-id").map(|v| v.to_str().is_ok_and(is_plain_request_id));
    if plain == Some(false) {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// How often an aggregated log line may be written.
pub const LOG_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

/// Rate-limits a log line that callers can trigger at will (a wrong API key): at most one per
/// [`LOG_WINDOW`], which reports how many were left out since the last.
#[derive(Debug)]
pub struct LogWindow {
    /// When the last line was written, in milliseconds since the process's first use of a window.
    last: std::sync::atomic::AtomicU64,
    suppressed: std::sync::atomic::AtomicU64,
}

impl LogWindow {
    /// A window that lets the first line through.
    pub const fn new() -> Self {
        Self {
            last: std::sync::atomic::AtomicU64::new(u64::MAX),
            suppressed: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// `Some(left out since the last line)` when a line may be written now.
    pub fn allow(&self) -> Option<u64> {
        self.allow_at(elapsed_millis())
    }

    fn allow_at(&self, now: u64) -> Option<u64> {
        use std::sync::atomic::Ordering;
        let last = self.last.load(Ordering::Acquire);
        let due = last == u64::MAX || now.saturating_sub(last) >= LOG_WINDOW.as_millis() as u64;
        if due && self.last.compare_exchange(last, now, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            return Some(self.suppressed.swap(0, Ordering::AcqRel));
        }
        self.suppressed.fetch_add(1, Ordering::AcqRel);
        None
    }
}

impl Default for LogWindow {
    fn default() -> Self {
        Self::new()
    }
}

/// Milliseconds since the first call (a monotonic clock for [`LogWindow`]).
fn elapsed_millis() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64
}

/// Answers a handler's panic with INTERNAL / 500 in the caller's protocol, and logs it.
pub async fn catch_panics(request: Request, next: Next) -> Response {
    let grpc = crate::grpc::is_grpc(request.headers());
    let path = request.uri().path().to_owned();
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_owned());
            tracing::error!(path = %path, "a handler panicked: {what}");
            metrics::counter!("amazon_chat_panics_total").increment(1);
            let error =
                Error::new(ErrorKind::Internal, "the server failed on this request (its log says why)");
            if grpc {
                crate::grpc::status::to_status(&error).into_http()
            } else {
                crate::rest::error_response(&error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_window_writes_one_line_per_window_and_counts_the_rest() {
        let window = LogWindow::new();
        assert_eq!(window.allow_at(0), Some(0), "the first line is written");
        for ms in [1, 500, 9_999] {
            assert_eq!(window.allow_at(ms), None);
        }
        assert_eq!(window.allow_at(10_000), Some(3), "the next window reports the three left out");
        assert_eq!(window.allow_at(10_001), None);
    }
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    async fn boom() -> &'static str {
        panic!("deliberately, for the test")
    }

    fn app() -> Router {
        Router::new()
            .route("/panic", get(boom))
            .route("/fine", get(|| async { "fine" }))
            .layer(axum::middleware::from_fn(catch_panics))
    }

    #[tokio::test]
    async fn a_panicking_handler_is_a_500_envelope_for_rest_and_internal_for_grpc() {
        let rest = app().oneshot(Request::get("/panic").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(rest.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(rest.into_body(), 10_000).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "internal");
        let grpc =
            Request::get("/panic").header("content-type", "application/grpc").body(Body::empty()).unwrap();
        let grpc = app().oneshot(grpc).await.unwrap();
        assert_eq!(grpc.headers()["grpc-status"], "13", "INTERNAL");
        let fine = app().oneshot(Request::get("/fine").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(fine.status(), http::StatusCode::OK, "the server goes on");
    }

    #[test]
    fn request_ids_are_kept_only_when_short_and_plain() {
        assert!(is_plain_request_id("req-abc_123:4.5"));
        assert!(!is_plain_request_id(&"x".repeat(129)));
        assert!(!is_plain_request_id("two words"));
        assert!(!is_plain_request_id("line\\nbreak"));
        assert!(!is_plain_request_id(""));
    }
}
