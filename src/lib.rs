//! `amazon-chat`: chat completions over Amazon Bedrock, served as gRPC (and, on the same port, an
//! OpenAI-compatible REST shim and Anthropic's Messages API), with a Bedrock emulator that speaks
//! Bedrock's real wire protocol.
//!
//! # A request's journey
//!
//! ```text
//!  client ──gRPC──▶ server ──▶ auth ──▶ grpc::ChatApi ──┐      (caller: key name, models, limits)
//!         ──REST──▶ (one port,         rest handlers ───┤
//!                    TLS optional,     anthropic ───────┤
//!                    request id,       converse_api ────┴─▶ chat::Chat ─────────────────▶ bedrock::Bedrock ──SigV4/HTTP──▶ Bedrock
//!                    call span)        (thin adapters:      │ chat::validate: the rules    (proto ⇄ Converse     (or emulator)
//!                                       proto / OpenAI /    │ catalog: alias, allow-list,   mapping, SDK errors
//!                                       Anthropic JSON)     │   region / profile route      ⇄ error::Error)
//!                                                           └ timeouts, stream shaping            ▲
//!                                                                                                 │ clients by region
//!                          aws: SDK config, credentials (credentials::*), BedrockPool ────────────┘
//! ```
//!
//! Every failure on the way is an [`error::Error`] whose kind is one row of one table
//! ([`error::ErrorKind::describe`]): the gRPC code, HTTP status, OpenAI envelope and exit status all
//! come from there.
//!
//! - [`config`]: one struct per command, read from flags, the environment and `.env` (of the
//!   working folder only).
//! - [`credentials`]: the AWS credential methods of the authentication guide, chosen by configuration.
//! - [`aws`]: builds the SDK configuration, the credentials and the Bedrock clients once; starts the
//!   catalog.
//! - [`server`]: binds the port (plain, or TLS with live-reloaded files: [`server::tls`]), stacks the layers (request id, call span and access line, API-key
//!   [`auth`]), serves gRPC with health and reflection, and drains in-flight calls on SIGTERM. With
//!   `--thread-per-core`, each worker thread runs this loop with its own runtime, listener
//!   (`SO_REUSEPORT`) and Bedrock connections over the one shared core state.
//! - [`anthropic`]: Anthropic's Messages API (`POST /v1/messages`, JSON and its named events), a
//!   thin adapter like [`rest`], with Anthropic's error envelope.
//! - [`converse_api`]: Bedrock's own Converse API (`POST /model/{id}/converse`, `/converse-stream`
//!   in event-stream frames), for services already on an AWS SDK; Bedrock's error shapes.
//! - [`rest`]: the OpenAI-compatible REST shim (JSON and Server-Sent Events) over the same core,
//!   with its OpenAPI document.
//! - [`auth`]: API keys (plain, and the named keys of the keys file, reloaded live): who the caller
//!   is, and which models it may use.
//! - [`limits`]: per-key rate limits, on one replica or shared through Redis.
//! - [`observe`]: Prometheus metrics and `/metrics`; the access record of each chat call is
//!   [`chat::record`].
//! - [`guard`]: a handler's panic becomes INTERNAL / 500; incoming request ids are bounded.
//! - [`health`]: the serving status shared by gRPC health and REST readiness.
//! - [`grpc`]: tonic adapters, one small method per RPC, translating [`error::Error`] into a
//!   `tonic::Status` with rich details.
//! - [`chat`]: the core. [`chat::validate`] holds every rule of a request; [`chat::Chat`] routes it
//!   through the catalog, checks the caller's policy and limits, decides reasoning
//!   ([`chat::reasoning`]), prompt caching ([`chat::cache`]) and structured output
//!   ([`chat::structured`]), calls Bedrock, and shapes answers and stream chunks. It knows nothing of
//!   tonic or HTTP.
//! - [`catalog`]: the model catalog (Bedrock's control plane, cached), aliases, allow-list, and
//!   region-aware routing of each request.
//! - [`bedrock`]: the Bedrock adapter: the SDK clients by region, request/response/stream mappings
//!   between the proto and Converse (they map; they do not re-validate), and the SDK-error
//!   classification.
//! - [`fetch`]: images given by URL, fetched SSRF-safely (checked addresses, size and time caps).
//! - [`error`]: the one error type and its table.
//! - [`emulator`]: a Bedrock Runtime emulator (Converse, ConverseStream with event-stream framing,
//!   SigV4 verification, fault directives, a request log). `serve --demo` embeds it; every test runs
//!   against it; `amazon-chat emulator` runs it alone.
//! - [`doctor`]: `amazon-chat doctor`, the authentication guide's debugging commands in one.
//! - [`progress`]: what a command-line tool is waiting for, on a terminal only.
//! - [`probe`]: `amazon-chat health`, a running server's health for a container's HEALTHCHECK.
//! - [`chat_command`]: `amazon-chat chat`, a terminal chat with a server (streamed, reasoning
//!   dimmed, slash commands; one answer when piped).
//! - [`models_command`]: `amazon-chat models`, a running server's models as a table or JSON.
//! - [`dev_certs`]: `amazon-chat dev-certs`, a private CA and certificates for trying TLS locally.
//! - [`connect`]: how those tools reach a server, `http://` or `https://` (trust, client
//!   certificate).
//! - [`telemetry`]: tracing set-up.
//!
//! Adding a request field: add it to `proto/`, and the build stops at each mapping that destructures
//! the message (`rest::convert`, `chat::validate`, `bedrock::request`) until its meaning is decided
//! there: mapped, or documented as accepted and not sent.

// Denied everywhere; `server::memory` alone allows it, for two allocator calls (malloc_trim, mallctl).
#![deny(unsafe_code)]

pub mod anthropic;
pub mod auth;
pub mod aws;
pub mod bedrock;
pub mod catalog;
pub mod chat;
pub mod chat_command;
pub mod config;
pub mod connect;
pub mod converse_api;
pub mod credentials;
pub mod dev_certs;
pub mod doctor;
pub mod emulator;
pub mod error;
pub mod fetch;
pub mod grpc;
pub mod guard;
pub mod health;
pub mod limits;
pub mod models_command;
pub mod observe;
pub mod probe;
pub mod progress;
pub mod proto;
pub mod rest;
pub mod server;
pub mod telemetry;
