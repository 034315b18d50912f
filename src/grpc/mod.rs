//! The gRPC adapters: tonic services over the core, one short method per RPC.
//!
//! Each method unwraps the request, calls [`crate::chat::Chat`] or the model catalog, and turns an
//! [`crate::error::Error`] into a `tonic::Status` via [`status::to_status`]. No logic lives here.

pub mod chat;
pub mod codec;
pub mod embeddings;
pub mod models;
pub mod status;

pub use chat::ChatApi;
pub use models::ModelApi;

/// The caller the authentication layer found (anonymous when it found none, e.g. in tests that
/// call the service directly).
pub fn caller<T>(request: &tonic::Request<T>) -> crate::auth::Caller {
    request.extensions().get::<crate::auth::Caller>().cloned().unwrap_or_else(crate::auth::Caller::anonymous)
}

/// Whether an HTTP request is a gRPC call (by its content type): errors, metrics and spans answer
/// in the caller's protocol.
pub fn is_grpc(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"))
}
