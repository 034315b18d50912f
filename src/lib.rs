//! `amazon-chat`: chat completions over Amazon Bedrock, served as gRPC (and, on the same port, an
//! OpenAI-compatible REST shim), with a Bedrock emulator that speaks Bedrock's real wire protocol.
//!
//! # A request's journey
//!
//! ```text
//!  client ──gRPC──▶ server ──▶ auth ──▶ grpc::ChatApi ──▶ chat::Chat ──▶ bedrock::Bedrock ──SigV4/HTTP──▶ Bedrock
//!                   (one port,          (thin adapter:   (validation,   (proto ⇄ Converse       (or emulator)
//!                    request id)         proto in/out)    timeouts,      mapping, SDK errors
//!                                                          streaming)    ⇄ error::Error)
//! ```
//!
//! - [`config`]: the one [`config::Config`] struct, read from flags, the environment and `.env`.
//! - [`server`]: binds the port, stacks the layers (request id, API-key [`auth`]), serves gRPC with
//!   health and reflection, and drains in-flight calls on SIGTERM.
//! - [`grpc`]: tonic adapters, one small method per RPC, translating [`error::Error`] into a
//!   `tonic::Status` with rich details.
//! - [`chat`]: the core. It validates a [`proto`] request, calls Bedrock, and shapes answers and
//!   stream chunks. It knows nothing of tonic or HTTP.
//! - [`bedrock`]: the Bedrock adapter: the shared SDK client, request/response/stream mappings
//!   between the proto and Converse, and the SDK-error classification.
//! - [`models`]: the catalog of models this server knows.
//! - [`error`]: the one error type and its table to gRPC codes and HTTP statuses.
//! - [`emulator`]: a Bedrock Runtime emulator (Converse, ConverseStream with event-stream framing,
//!   SigV4 verification, fault directives, a request log). `serve --demo` embeds it; every test runs
//!   against it.
//! - [`telemetry`]: tracing set-up.

#![forbid(unsafe_code)]

pub mod auth;
pub mod bedrock;
pub mod chat;
pub mod config;
pub mod emulator;
pub mod error;
pub mod grpc;
pub mod models;
pub mod proto;
pub mod server;
pub mod telemetry;
