//! `serve`: builds the Bedrock client once, serves gRPC (health and reflection included) and the
//! REST doors on one port ([`routes`] stacks the layers; [`connections`] is the accept loop), and
//! drains in-flight calls on shutdown.
//!
//! With `--thread-per-core`, [`workers`] runs the accept loop once per worker thread, each over
//! routes of its own whose core shares everything but its Bedrock connections.

use crate::auth::ApiKeys;
use crate::aws::Aws;
use crate::chat::{Chat, Timeouts};
use crate::config::Config;
use crate::credentials;
use crate::error::{Error, ErrorKind};
use crate::health::Health;
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;

mod connections;
mod memory;
mod routes;
pub mod tls;
mod workers;

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
    let limit = config.max_request_bytes;
    let cutter = chat.clone();
    let shared = routes::Shared {
        health: health.clone(),
        health_service,
        keys,
        in_flight: routes::InFlight::new(config.max_in_flight),
        catalog: catalog.clone(),
        max_request_bytes: limit,
    };
    // Worker 0 (this runtime) serves over the pool built at start-up; any others get their own.
    let workers = if config.thread_per_core { workers::count(config.worker_threads) } else { 1 };
    let main_routers = routes::routers(&shared, chat.clone()).map_err(failed)?;

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

    let listener =
        if workers > 1 { workers::shared_listener(addr) } else { tokio::net::TcpListener::bind(addr).await };
    let listener = listener.map_err(|e| failed(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(|e| failed(e.to_string()))?;
    let (transport, tls_watch) = match tls {
        Some(tls) => (connections::Transport::Tls(tls.clone()), Some(tls.watch())),
        None => (connections::Transport::Plain, None),
    };
    let scheme = if tls_watch.is_some() { "https" } else { "http" };

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
    let setup = connections::Setup { transport, limits, slots: connections::Slots::new(&limits) };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut others = Vec::new();
    for index in 1..workers {
        let core = chat.with_pool(Arc::new(aws.pool.replica().map_err(refused)?));
        let routers = routes::routers(&shared, core).map_err(failed)?;
        others.push(
            workers::Worker::start(index, bound, routers, setup.clone(), stopped.clone())
                .await
                .map_err(failed)?,
        );
    }
    let mut server = tokio::spawn(async move {
        connections::serve(listener, main_routers, setup, stopped, 0).await;
        for worker in others {
            worker.drained().await;
        }
    });
    announce(&format!("{scheme}://{bound}"));
    tracing::info!(%bound, workers, "serving gRPC");
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
    let _ = stop.send(true);
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
