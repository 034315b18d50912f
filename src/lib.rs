//! `amazon-chat`: chat completions over Amazon Bedrock, served as gRPC (and, on the same port, an
//! OpenAI-compatible REST shim), with a Bedrock emulator that speaks Bedrock's real wire protocol.
//!
//! # A request's journey
//!
//! ```text
//!  client ──gRPC──▶ server ──▶ auth ──▶ grpc::ChatApi ──┐
//!         ──REST──▶ (one port,         rest handlers ───┴─▶ chat::Chat ──▶ bedrock::Bedrock ──SigV4/HTTP──▶ Bedrock
//!                    request id)       (thin adapters:      (validation,   (proto ⇄ Converse       (or emulator)
//!                                       proto / OpenAI       timeouts,      mapping, SDK errors
//!                                       JSON in and out)     streaming)     ⇄ error::Error)
//! ```
//!
//! - [`config`]: the one [`config::Config`] struct, read from flags, the environment and `.env`.
//! - [`credentials`]: the AWS credential methods of the authentication guide, chosen by configuration.
//! - [`aws`]: builds the SDK configuration, the credentials and the Bedrock client once.
//! - [`server`]: binds the port, stacks the layers (request id, API-key [`auth`]), serves gRPC with
//!   health and reflection, and drains in-flight calls on SIGTERM.
//! - [`rest`]: the OpenAI-compatible REST shim (JSON and Server-Sent Events) over the same core,
//!   with its OpenAPI document.
//! - [`health`]: the serving status shared by gRPC health and REST readiness.
//! - [`grpc`]: tonic adapters, one small method per RPC, translating [`error::Error`] into a
//!   `tonic::Status` with rich details.
//! - [`chat`]: the core. It validates a [`proto`] request, calls Bedrock, and shapes answers and
//!   stream chunks. It knows nothing of tonic or HTTP.
//! - [`bedrock`]: the Bedrock adapter: the shared SDK client, request/response/stream mappings
//!   between the proto and Converse, and the SDK-error classification.
//! - [`catalog`]: the model catalog (Bedrock's control plane, cached), aliases, allow-list, and
//!   region-aware routing of each request.
//! - [`error`]: the one error type and its table to gRPC codes and HTTP statuses.
//! - [`emulator`]: a Bedrock Runtime emulator (Converse, ConverseStream with event-stream framing,
//!   SigV4 verification, fault directives, a request log). `serve --demo` embeds it; every test runs
//!   against it.
//! - [`doctor`]: `amazon-chat doctor`, the authentication guide's debugging commands in one.
//! - [`telemetry`]: tracing set-up.

#![forbid(unsafe_code)]

pub mod auth;
pub mod aws;
pub mod bedrock;
pub mod catalog;
pub mod chat;
pub mod config;
pub mod credentials;
pub mod doctor;
pub mod emulator;
pub mod error;
pub mod grpc;
pub mod health;
pub mod proto;
pub mod rest;
pub mod server;
pub mod telemetry;
