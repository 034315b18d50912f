//! The gRPC adapters: tonic services over the core, one short method per RPC.
//!
//! Each method unwraps the request, calls [`crate::chat::Chat`] or the model catalog, and turns an
//! [`crate::error::Error`] into a `tonic::Status` via [`status::to_status`]. No logic lives here.

pub mod chat;
pub mod codec;
pub mod models;
pub mod status;

pub use chat::ChatApi;
pub use models::ModelApi;

/// The caller the authentication layer found (anonymous when it found none, e.g. in tests that
/// call the service directly).
pub fn caller<T>(request: &tonic::Request<T>) -> crate::auth::Caller {
    request.extensions().get::<crate::auth::Caller>().cloned().unwrap_or_else(crate::auth::Caller::anonymous)
}
