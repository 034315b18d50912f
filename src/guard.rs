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
