//! `serve`: builds the Bedrock client once, stacks the layers, serves gRPC (health and reflection
//! included) and the REST shim on one port, and drains in-flight calls on shutdown.
//!
//! Layers, outermost first: request id (`x-request-id`, generated when absent, echoed back), a
//! tracing span per call carrying that id, API-key authentication, then the tonic services.

use crate::auth::ApiKeys;
use crate::aws::Aws;
use crate::chat::{Chat, Timeouts};
use crate::config::Config;
use crate::credentials;
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
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

mod connections;
mod memory;
pub mod tls;

/// Runs the server until `shutdown` resolves, then drains for up to `config.shutdown_grace`.
///
/// A failure to start is a [`Scope::Process`](crate::error::Scope) row of the error table, which
/// gives the exit status.
pub async fn run(config: Config, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), Error> {
    // The one line on stdout: tests and scripts read the bound address (useful with --port 0).
    let announce = |url: &str| {
        println!("amazon-chat listening on {url}");
        let _ = std::io::stdout().flush();
    };
    run_announcing(config, shutdown, announce).await
}

/// [`run`], telling `announce` the URL it serves on (`http://` or `https://`) once it listens.
pub async fn run_announcing(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
    announce: impl FnOnce(&str) + Send,
) -> Result<(), Error> {
    let refused = |message: String| Error::startup(ErrorKind::Configuration, message);
    let failed = |message: String| Error::startup(ErrorKind::Startup, message);
    let addr = config.listen_addr().map_err(refused)?;
    let open_files = connections::raise_open_files_limit();
    crate::observe::install().map_err(failed)?;
    let keys = ApiKeys::with_file(&config.all_api_keys().map_err(refused)?, config.keys_file.clone())
        .map_err(refused)?;
    if keys.is_open() {
        tracing::warn!(
            "no API key configured (API_KEY, API_KEYS, API_KEYS_FILE or --keys-file): the server accepts every caller"
        );
    }
    let keys_watch = keys.watch();
    let tls = config.tls_files().map(tls::Tls::load).transpose().map_err(refused)?;

    let aws = Aws::connect(&config).await.map_err(refused)?;
    tracing::info!(region = aws.region(), credentials = %aws.selection, "Bedrock client ready");
    let catalog = aws.catalog(&config).await.map_err(refused)?;
    let limiter = crate::limits::Limiter::new(config.redis_url.as_ref().map(|url| url.expose()))
        .await
        .map_err(refused)?;
    let chat = Chat::new(
        aws.pool.clone(),
        catalog.clone(),
        Timeouts { upstream: config.upstream_timeout, stream_idle: config.stream_idle_timeout },
        crate::chat::Policies {
            budgets: config.reasoning_budgets,
            prompt_cache_auto: config.prompt_cache == crate::config::serve::PromptCachePolicy::Auto,
            max_open_streams: config.max_open_streams,
            s3_bucket_owner: config.s3_bucket_owner.clone(),
            embedding_input_type: config.embedding_input_type.clone(),
            fetcher: std::sync::Arc::new(crate::fetch::Fetcher::new(crate::fetch::Policy {
                schemes: config.image_urls,
                hosts: config.image_url_hosts.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
                timeout: config.image_url_timeout,
                allow_loopback: config.image_urls_allow_loopback,
            })),
        },
        limiter,
        config.retry_policy(),
    );

    let (reporter, health_service) = tonic_health::server::health_reporter();
    let health = Health::new(reporter).await;
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1().map_err(|e| failed(format!("reflection: {e}")))?;
    let reflection_v1alpha = reflection().build_v1alpha().map_err(|e| failed(format!("reflection: {e}")))?;

    let limit = config.max_request_bytes;
    let cutter = chat.clone();
    let rest_state = RestState { chat: chat.clone(), health: health.clone(), max_request_bytes: limit };
    // What connections past the cap get: health checks, and 503 for the rest.
    let overflow = tonic::service::Routes::new(health_service.clone())
        .into_axum_router()
        .merge(rest::health_router(rest_state.clone()))
        .fallback(over_the_connection_cap);
    let rest = rest::router(rest_state.clone())
        .merge(crate::anthropic::router(rest_state.clone()))
        .merge(crate::converse_api::router(rest_state));
    let mut router = tonic::service::Routes::new(health_service)
        .add_service(
            ChatServiceServer::new(ChatApi::new(chat.clone(), limit))
                .max_decoding_message_size(limit.saturating_mul(4)),
        )
        .add_service(
            EmbeddingServiceServer::new(ChatApi::new(chat, limit))
                .max_decoding_message_size(limit.saturating_mul(4)),
        )
        .add_service(ModelServiceServer::new(ModelApi::new(catalog)))
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .into_axum_router()
        .merge(rest)
        .fallback(unknown_route);
    // Always layered: it also hands the adapters the caller (anonymous on an open server).
    router = router.layer(axum::middleware::from_fn_with_state(keys, require_api_key));
    let router = router
        .layer(axum::middleware::from_fn_with_state(InFlight::new(config.max_in_flight), shed_past_the_cap))
        .layer(axum::middleware::from_fn(crate::guard::catch_panics))
        .layer(axum::middleware::from_fn(door_request_id))
        .layer(axum::middleware::from_fn(crate::observe::layer))
        // Chat calls log one INFO access line each (`chat::record`); the HTTP layer's own line is DEBUG.
        .layer(TraceLayer::new_for_http().make_span_with(request_span).on_response(DefaultOnResponse::new()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(crate::guard::sanitize_request_id));

    // First attempt inline, so a server with working credentials is SERVING when it says it listens;
    // otherwise keep trying in the background.
    let credentials = CredentialWatch {
        provider: aws.credentials.clone(),
        selection: aws.selection.clone(),
        health: health.clone(),
        limit: config.credentials_timeout,
    };
    let watcher =
        if credentials.attempt(None).await { None } else { Some(tokio::spawn(credentials.retry())) };

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| failed(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(|e| failed(e.to_string()))?;
    let (transport, tls_watch) = match tls {
        Some(tls) => (connections::Transport::Tls(tls.clone()), Some(tls.watch())),
        None => (connections::Transport::Plain, None),
    };
    let scheme = if tls_watch.is_some() { "https" } else { "http" };
    announce(&format!("{scheme}://{bound}"));
    tracing::info!(%bound, "serving gRPC");

    let max_connections = match config.max_connections {
        0 => connections::auto_max_connections(open_files),
        cap => cap,
    };
    tracing::info!(max_connections, open_files, "connection limits set");
    let limits = connections::Limits {
        header_read_timeout: config.header_read_timeout,
        idle_timeout: config.idle_timeout,
        max_connections,
    };
    let routers = connections::Routers { full: router, overflow };
    let draining = Arc::new(tokio::sync::Notify::new());
    let mut server = tokio::spawn(connections::serve(listener, routers, transport, draining.clone(), limits));
    memory::release_startup_heap();
    shutdown.await;
    tracing::info!(grace = ?config.shutdown_grace, "shutting down: no new connections, draining in-flight calls");
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    for watch in [keys_watch, tls_watch].into_iter().flatten() {
        watch.abort();
    }
    health.set_serving(false).await;
    if !config.drain_delay.is_zero() {
        // Load balancers see NOT_SERVING / 503 and stop sending before the listener goes.
        tracing::info!(delay = ?config.drain_delay, "NOT_SERVING; the listener stays open for the drain delay");
        tokio::time::sleep(config.drain_delay).await;
    }
    draining.notify_one();
    match tokio::time::timeout(config.shutdown_grace, &mut server).await {
        Ok(Ok(())) => tracing::info!("drained; bye"),
        Ok(Err(join_error)) => {
            return Err(Error::new(ErrorKind::Internal, format!("server task failed: {join_error}")));
        }
        Err(_) => {
            // Calls still running end with UNAVAILABLE (streams with a final error event), not a
            // reset connection; they get a moment to reach their callers.
            cutter.cut_running_calls();
            let _ = tokio::time::timeout(CUT_FLUSH, server).await;
            // Work was cut: say so in the exit status too, so an orchestrator can tell.
            let message = format!(
                "the grace period of {:?} ended with calls still in flight; they were cut",
                config.shutdown_grace
            );
            return Err(Error::new(ErrorKind::Unavailable, message));
        }
    }
    Ok(())
}

/// How long calls cut at the end of the grace period have to deliver their final error.
const CUT_FLUSH: std::time::Duration = std::time::Duration::from_millis(500);

/// Resolves credentials until they work: SERVING once they do; until then NOT_SERVING, with a log
/// line naming the method and the fix, retried with backoff so the server recovers on its own.
struct CredentialWatch {
    provider: aws_credential_types::provider::SharedCredentialsProvider,
    selection: credentials::Selection,
    health: Health,
    limit: std::time::Duration,
}

impl CredentialWatch {
    /// One attempt; logs the outcome and sets health. `retry_in` is only for the log.
    async fn attempt(&self, retry_in: Option<std::time::Duration>) -> bool {
        let method = self.selection.method;
        if method == crate::config::CredentialMethod::BedrockApiKey {
            // Nothing to resolve: every call carries the key, and Bedrock judges it.
            tracing::info!(%method, "Bedrock calls carry the Bedrock API key as a bearer token");
            self.health.set_serving(true).await;
            return true;
        }
        match credentials::try_resolve(&self.provider, self.limit).await {
            Ok(resolved) => {
                let expires = resolved.expiry().map(|t| aws_smithy_types::DateTime::from(t).to_string());
                tracing::info!(%method, expires = expires.as_deref().unwrap_or("never"), "AWS credentials resolved");
                self.health.set_serving(true).await;
                true
            }
            Err(detail) => {
                let advice = credentials::advice::for_resolution(method, &detail);
                let retry_in = retry_in.unwrap_or(std::time::Duration::from_secs(1));
                tracing::error!(
                    %method,
                    ?retry_in,
                    "cannot resolve AWS credentials with {}: {detail}. {advice} Health reports NOT_SERVING until this works.",
                    self.selection
                );
                self.health.set_serving(false).await;
                false
            }
        }
    }

    /// Retries with backoff (1 s doubling to 30 s) until an attempt succeeds.
    async fn retry(self) {
        let mut delay = std::time::Duration::from_secs(1);
        loop {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(30));
            if self.attempt(Some(delay)).await {
                return;
            }
        }
    }
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

/// The cap on calls in flight.
#[derive(Clone)]
struct InFlight {
    permits: Arc<tokio::sync::Semaphore>,
    cap: usize,
}

impl InFlight {
    fn new(cap: usize) -> Self {
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
