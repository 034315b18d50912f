//! The routes every accept loop serves (one loop, or one per `--thread-per-core` worker), and
//! the layers around them, outermost first: request id (`x-request-id`, generated when absent,
//! echoed back), a tracing span per call carrying that id, the call's metrics, the doors' request-id
//! headers, panics turned into INTERNAL, the in-flight cap, API-key authentication, then the tonic
//! services and the REST doors.

use super::connections::Routers;
use crate::auth::ApiKeys;
use crate::catalog::Catalog;
use crate::chat::Chat;
use crate::error::{Error, ErrorKind};
use crate::grpc::{ChatApi, ModelApi};
use crate::health::Health;
use crate::proto::v1::chat_service_server::ChatServiceServer;
use crate::proto::v1::embedding_service_server::EmbeddingServiceServer;
use crate::proto::v1::model_service_server::ModelServiceServer;
use crate::rest::{self, RestState};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tonic_health::pb::health_server::{Health as HealthService, HealthServer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// What every worker's routes share: the process's caps, keys, health and catalog.
pub struct Shared<H> {
    /// Serving status, for the REST health routes.
    pub health: Health,
    /// `grpc.health.v1.Health`.
    pub health_service: HealthServer<H>,
    /// The API keys.
    pub keys: ApiKeys,
    /// `--max-in-flight`.
    pub in_flight: InFlight,
    /// The models.
    pub catalog: Catalog,
    /// `--max-request-bytes`.
    pub max_request_bytes: usize,
}

/// The routes over `chat` (a worker's core, over its own Bedrock connections), and the routes of
/// connections past the cap.
pub fn routers<H: HealthService>(shared: &Shared<H>, chat: Chat) -> Result<Routers, String> {
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1().map_err(|e| format!("reflection: {e}"))?;
    let reflection_v1alpha = reflection().build_v1alpha().map_err(|e| format!("reflection: {e}"))?;
    let limit = shared.max_request_bytes;
    let rest_state =
        RestState { chat: chat.clone(), health: shared.health.clone(), max_request_bytes: limit };
    // What connections past the cap get: health checks, and 503 for the rest.
    let overflow = tonic::service::Routes::new(shared.health_service.clone())
        .into_axum_router()
        .merge(rest::health_router(rest_state.clone()))
        .fallback(over_the_connection_cap);
    let rest = rest::router(rest_state.clone())
        .merge(crate::anthropic::router(rest_state.clone()))
        .merge(crate::converse_api::router(rest_state));
    let full = tonic::service::Routes::new(shared.health_service.clone())
        .add_service(
            ChatServiceServer::new(ChatApi::new(chat.clone(), limit))
                .max_decoding_message_size(limit.saturating_mul(4)),
        )
        .add_service(
            EmbeddingServiceServer::new(ChatApi::new(chat, limit))
                .max_decoding_message_size(limit.saturating_mul(4)),
        )
        .add_service(ModelServiceServer::new(ModelApi::new(shared.catalog.clone())))
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .into_axum_router()
        .merge(rest)
        .fallback(unknown_route)
        // Always layered: it also hands the adapters the caller (anonymous on an open server).
        .layer(axum::middleware::from_fn_with_state(shared.keys.clone(), require_api_key))
        .layer(axum::middleware::from_fn_with_state(shared.in_flight.clone(), shed_past_the_cap))
        .layer(axum::middleware::from_fn(crate::guard::catch_panics))
        .layer(axum::middleware::from_fn(door_request_id))
        .layer(axum::middleware::from_fn(crate::observe::layer))
        // Chat calls log one INFO access line each (`chat::record`); the HTTP layer's own line is DEBUG.
        .layer(TraceLayer::new_for_http().make_span_with(request_span).on_response(DefaultOnResponse::new()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(crate::guard::sanitize_request_id));
    Ok(Routers { full, overflow })
}

fn request_span(request: &http::Request<axum::body::Body>) -> tracing::Span {
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    let grpc = crate::grpc::is_grpc(request.headers());
    let span = tracing::info_span!(
        "call",
        otel.name = %request.uri().path(),
        otel.kind = "server",
        request_id = %id,
        protocol = if grpc { "grpc" } else { "rest" },
        method = %request.method(),
        path = %request.uri().path(),
        key = tracing::field::Empty,
        model = tracing::field::Empty,
        user = tracing::field::Empty,
    );
    crate::telemetry::continue_trace(&span, request.headers());
    span
}

/// Rejects calls without a valid API key: a gRPC status for gRPC, OpenAI's envelope for HTTP.
/// The caller goes into the request's extensions, where the adapters find it.
async fn require_api_key(State(keys): State<ApiKeys>, mut request: Request, next: Next) -> Response {
    if ApiKeys::is_open_path(request.uri().path()) {
        return next.run(request).await;
    }
    match keys.check_headers(request.headers()) {
        Ok(caller) => {
            tracing::Span::current().record("key", &*caller.name);
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => {
            // Anyone can send a wrong key: the log gets one line per window, with a count.
            metrics::counter!("amazon_chat_rejected_keys_total").increment(1);
            if let Some(suppressed) = REJECTED_KEYS_LOG.allow() {
                tracing::warn!(
                    kind = ?error.kind,
                    suppressed,
                    "{} (lines like this are written at most once per {:?}; `suppressed` counts the ones left out)",
                    error.message,
                    crate::guard::LOG_WINDOW
                );
            }
            if crate::grpc::is_grpc(request.headers()) {
                crate::grpc::status::to_status(&error).into_http()
            } else {
                match Door::of(request.uri().path()) {
                    Door::Anthropic => crate::anthropic::unlogged_error_response(&error),
                    Door::Converse => crate::converse_api::unlogged_error_response(&error),
                    Door::OpenAi => rest::unlogged_error_response(&error),
                }
            }
        }
    }
}

/// The aggregate log of rejected keys.
static REJECTED_KEYS_LOG: crate::guard::LogWindow = crate::guard::LogWindow::new();

/// The cap on calls in flight, the process's (shared by every worker's routes).
#[derive(Clone)]
pub struct InFlight {
    permits: Arc<tokio::sync::Semaphore>,
    cap: usize,
}

impl InFlight {
    /// `--max-in-flight` (0: no cap).
    pub fn new(cap: usize) -> Self {
        let permits = if cap == 0 { tokio::sync::Semaphore::MAX_PERMITS } else { cap };
        Self { permits: Arc::new(tokio::sync::Semaphore::new(permits)), cap }
    }
}

/// Refuses a call at once when `--max-in-flight` calls are running (never queues it); health
/// checks, readiness and metrics always answer.
async fn shed_past_the_cap(State(in_flight): State<InFlight>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/grpc.health.v1.Health/") || ["/health", "/ready", "/metrics"].contains(&path) {
        return next.run(request).await;
    }
    match in_flight.permits.clone().try_acquire_owned() {
        Ok(_permit) => next.run(request).await,
        Err(_) => {
            metrics::counter!("amazon_chat_shed_total").increment(1);
            let message =
                format!("this server has {} calls in flight, its limit; retry shortly", in_flight.cap);
            let error = Error::new(ErrorKind::Overloaded, message)
                .with_retry_after(std::time::Duration::from_secs(1));
            error_for(&request, &error)
        }
    }
}

/// Everything but health checks on a connection past `--max-connections`.
async fn over_the_connection_cap(request: Request) -> Response {
    let message = "this server is at its cap of open connections; retry shortly (elsewhere)";
    error_for(
        &request,
        &Error::new(ErrorKind::Overloaded, message).with_retry_after(std::time::Duration::from_secs(1)),
    )
}

/// Anything no route serves: a gRPC UNIMPLEMENTED status, or a 404 envelope for HTTP (one row of
/// the error table).
async fn unknown_route(request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let message = format!("no such endpoint: {} {path}", request.method());
    let error = Error {
        resource: Some(Box::new(crate::error::Resource { kind: "route", name: path })),
        ..Error::new(ErrorKind::UnknownRoute, message)
    };
    error_for(&request, &error)
}

/// The HTTP door a path belongs to, whose error envelope its callers' SDKs read.
enum Door {
    OpenAi,
    Anthropic,
    Converse,
}

impl Door {
    fn of(path: &str) -> Door {
        if crate::anthropic::owns(path) {
            Door::Anthropic
        } else if crate::converse_api::owns(path) {
            Door::Converse
        } else {
            Door::OpenAi
        }
    }
}

/// An error in the caller's protocol (a gRPC status, or the envelope of the door the path
/// belongs to), logged.
fn error_for(request: &Request, error: &Error) -> Response {
    if crate::grpc::is_grpc(request.headers()) {
        error.log();
        return crate::grpc::status::to_status(error).into_http();
    }
    match Door::of(request.uri().path()) {
        Door::Anthropic => crate::anthropic::error_response(error),
        Door::Converse => crate::converse_api::error_response(error),
        Door::OpenAi => rest::error_response(error),
    }
}

/// Every response of a door also carries the request id under the name its SDKs report:
/// Anthropic's `request-id`, AWS's `x-amzn-RequestId`. A layer outside the key check and the
/// in-flight cap, so their refusals carry it too.
async fn door_request_id(request: Request, next: Next) -> Response {
    let name = match Door::of(request.uri().path()) {
        Door::Anthropic => Some("request-id"),
        Door::Converse => Some("x-amzn-requestid"),
        Door::OpenAi => None,
    };
    let id = name.and_then(|_| request.headers().get("x-request-id").cloned());
    let mut response = next.run(request).await;
    if let (Some(name), Some(id)) = (name, id) {
        response.headers_mut().insert(name, id);
    }
    response
}
