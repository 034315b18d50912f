//! Anthropic's Messages API on the same port: `POST /v1/messages`, JSON or Anthropic's named
//! Server-Sent Events, and `POST /v1/messages/count_tokens` (Bedrock's CountTokens), so Anthropic's SDKs, Claude Code and agent frameworks work unmodified
//! (base URL and key changed).
//!
//! A thin adapter like the OpenAI shim ([`crate::rest`]): [`messages`] is the wire format,
//! [`convert`] maps it onto the proto request and the core's answer back, [`stream`] turns the
//! core's chunks into Anthropic's events. Keys (`x-api-key` or `authorization: Bearer`), limits,
//! catalog, routing, logs and metrics are the core's, as on every door; errors use Anthropic's
//! envelope with the status and `type` of the one error table.

pub mod convert;
pub mod handlers;
pub mod messages;
pub mod stream;

use crate::error::Error;
use crate::rest::RestState;
use axum::Router;
use axum::response::Response;
use axum::routing::post;

/// The door's routes.
pub fn router(state: RestState) -> Router {
    Router::new()
        .route("/v1/messages", post(handlers::messages))
        .route("/v1/messages/count_tokens", post(handlers::count_tokens))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Whether a path belongs to this door (its errors then use Anthropic's envelope, even those of
/// the layers before the handler: a missing key, the in-flight cap).
pub fn owns(path: &str) -> bool {
    path == "/v1/messages" || path.starts_with("/v1/messages/")
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let message = format!("{method} is not allowed on {}", uri.path());
    error_response(&Error::new(crate::error::ErrorKind::MethodNotAllowed, message))
}

/// Anthropic's error envelope for an error.
pub fn envelope(error: &Error) -> messages::AnthropicError {
    let message = error.message_naming_field();
    messages::AnthropicError {
        kind: "error",
        error: messages::AnthropicErrorBody { kind: error.class().anthropic_type, message },
    }
}

/// An error as an HTTP response in Anthropic's envelope: the table's status, Retry-After when
/// known, the caller's quota headers. Logged.
pub fn error_response(error: &Error) -> Response {
    error.log();
    unlogged_error_response(error)
}

/// [`error_response`] without the log line, for failures logged in aggregate (rejected keys).
pub fn unlogged_error_response(error: &Error) -> Response {
    crate::rest::failure(error, envelope(error))
}
