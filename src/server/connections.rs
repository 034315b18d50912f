//! The connection loop: hyper's HTTP/1 and HTTP/2 server on one port (gRPC needs HTTP/2, REST
//! clients mostly speak HTTP/1.1), with its limits set on purpose rather than left to defaults.
//!
//! What an unauthenticated peer can hold is bounded:
//! - a half-sent HTTP/1 request head, or an idle HTTP/1 keep-alive connection, for
//!   `--header-read-timeout` (hyper's timer runs while it waits for a head);
//! - any connection with no request in flight (HTTP/2 included, and a socket that never sends a
//!   byte) for `--idle-timeout`;
//! - at most `--max-connections` connections. Past the cap, a small reserve of connections is
//!   still served, by a router that answers health checks and refuses everything else with 503,
//!   so load balancers see the state of a full server rather than a hung one; past the reserve,
//!   connections are closed as soon as they are accepted.
//! - with TLS ([`super::tls`]), a handshake must finish within `--header-read-timeout` too; one
//!   that fails is counted (`amazon_chat_tls_handshake_failures_total`), not logged line by line.

use axum::body::Body;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, watch};
use tower::ServiceExt as _;

/// HTTP/2 streams one connection may have open (one gRPC call or stream each).
pub const MAX_CONCURRENT_STREAMS: u32 = 256;
/// The largest request head, HTTP/2 (HTTP/1's parser caps heads at about 400 KB of headers).
pub const MAX_HEADER_LIST_BYTES: u32 = 64 * 1024;
/// HTTP/2 pings an idle connection this often, and drops it if no answer comes in the timeout.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);
/// See [`KEEP_ALIVE_INTERVAL`].
pub const KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections served past the cap, for health checks only.
pub const OVERFLOW_RESERVE: usize = 32;
/// How long an overflow connection may stay open.
const OVERFLOW_LIFETIME: Duration = Duration::from_secs(5);

/// The limits of the loop (flags of `serve`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `--header-read-timeout`.
    pub header_read_timeout: Duration,
    /// `--idle-timeout`.
    pub idle_timeout: Duration,
    /// `--max-connections`, resolved (never 0).
    pub max_connections: usize,
}

/// How connections are read: plain TCP, or TLS terminated here.
#[derive(Clone)]
pub enum Transport {
    /// `http://`.
    Plain,
    /// `https://`, with the settings of the moment for each new connection.
    Tls(super::tls::Tls),
}

/// The connection slots: `--max-connections` of them, then the health-check reserve. Shared by
/// every accept loop of the process (one per worker with `--thread-per-core`), so the cap is the
/// server's, not a worker's.
#[derive(Clone)]
pub struct Slots {
    full: Arc<Semaphore>,
    reserve: Arc<Semaphore>,
    max_connections: usize,
}

impl Slots {
    /// Slots for `limits.max_connections` connections and the reserve.
    pub fn new(limits: &Limits) -> Self {
        Slots {
            full: Arc::new(Semaphore::new(limits.max_connections)),
            reserve: Arc::new(Semaphore::new(OVERFLOW_RESERVE)),
            max_connections: limits.max_connections,
        }
    }

    /// Resolves once every connection of every loop has closed.
    async fn all_closed(&self) {
        let all = u32::try_from(self.max_connections).unwrap_or(u32::MAX);
        let _ = self.full.acquire_many(all).await;
        let _ = self.reserve.acquire_many(OVERFLOW_RESERVE as u32).await;
    }
}

/// What an accept loop needs besides its listener and routers; the same for every worker.
#[derive(Clone)]
pub struct Setup {
    /// Plain or TLS.
    pub transport: Transport,
    /// Timeouts and the cap.
    pub limits: Limits,
    /// The process's connection slots.
    pub slots: Slots,
}

/// The two routers: the full one, and the one overflow connections get.
pub struct Routers {
    /// Every route.
    pub full: axum::Router,
    /// Health checks only; the rest is 503.
    pub overflow: axum::Router,
}

/// Accepts connections until `stop` turns true, then lets every open connection finish its
/// calls (new requests on them are refused) and returns once all of the process's connections
/// are closed. `worker` labels `amazon_chat_connections_accepted_total` (0 without
/// `--thread-per-core`), so an uneven spread of connections over workers shows.
pub async fn serve(
    listener: tokio::net::TcpListener,
    routers: Routers,
    setup: Setup,
    mut stop: watch::Receiver<bool>,
    worker: usize,
) {
    let Setup { transport, limits, slots } = setup;
    let accepted =
        metrics::counter!("amazon_chat_connections_accepted_total", "worker" => worker.to_string());
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_CONCURRENT_STREAMS)
        .max_header_list_size(MAX_HEADER_LIST_BYTES)
        .keep_alive_interval(Some(KEEP_ALIVE_INTERVAL))
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT);
    let builder = Arc::new(builder);
    let (draining, drain_signal) = watch::channel(false);
    // When the last "closing new connections" line was written (an Instant minus a minute could
    // underflow on a machine booted less than a minute ago).
    let mut refused_logged: Option<tokio::time::Instant> = None;
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(error) => {
                    // Out of descriptors and the like: pause rather than spin.
                    tracing::warn!("cannot accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopping(&mut stop) => break,
        };
        accepted.increment(1);
        // Stream chunks are small writes: send them at once rather than wait for Nagle.
        let _ = tcp.set_nodelay(true);
        let (permit, router, idle) = if let Ok(permit) = slots.full.clone().try_acquire_owned() {
            (permit, routers.full.clone(), limits.idle_timeout)
        } else if let Ok(permit) = slots.reserve.clone().try_acquire_owned() {
            metrics::counter!("amazon_chat_connections_over_cap_total", "outcome" => "health_only")
                .increment(1);
            (permit, routers.overflow.clone(), OVERFLOW_LIFETIME)
        } else {
            metrics::counter!("amazon_chat_connections_over_cap_total", "outcome" => "closed").increment(1);
            // One line a minute at most: a flood must not become a flood of log lines.
            if refused_logged.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
                refused_logged = Some(tokio::time::Instant::now());
                tracing::warn!(
                    max_connections = limits.max_connections,
                    "at the connection cap and its health-check reserve: closing new connections"
                );
            }
            drop(tcp);
            continue;
        };
        let builder = builder.clone();
        let drain_signal = drain_signal.clone();
        let transport = transport.clone();
        tokio::spawn(async move {
            match transport {
                Transport::Plain => serve_one(&builder, TokioIo::new(tcp), router, idle, drain_signal).await,
                Transport::Tls(tls) => {
                    let handshake = tokio::time::timeout(
                        limits.header_read_timeout,
                        tls.acceptor().accept(tcp).into_fallible(),
                    );
                    match handshake.await {
                        Ok(Ok(stream)) => {
                            serve_one(&builder, TokioIo::new(stream), router, idle, drain_signal).await;
                        }
                        Ok(Err((error, tcp))) => {
                            handshake_failed("refused", &error);
                            close_after_alert(tcp).await;
                        }
                        Err(_) => handshake_failed("timed_out", &"no handshake in --header-read-timeout"),
                    }
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = draining.send(true);
    // Every connection holds a slot until it closes: all slots back means all closed.
    slots.all_closed().await;
}

/// How long a connection whose TLS handshake failed is read (and what it sends discarded) before
/// it is closed, and how much of it is read at most.
const LINGER: Duration = Duration::from_secs(1);
/// See [`LINGER`].
const LINGER_BYTES: usize = 64 * 1024;

/// Closes a connection whose handshake failed so that the client reads the TLS alert saying why
/// ("certificate required" for a client without a certificate under `--tls-client-ca`). A TLS 1.3
/// client sends its first request right after its half of the handshake, before the alert comes;
/// closing a socket with that request unread makes the kernel answer with a reset, which can
/// overtake the alert, and the client reports "broken pipe" instead. So: end the write side after
/// the alert, then read what the client sends (at most 64 KiB, for at most a second) until it closes.
async fn close_after_alert(mut tcp: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let _ = tcp.shutdown().await;
    let drain = async {
        let mut sink = [0u8; 4096];
        let mut left = LINGER_BYTES;
        while left > 0 {
            match tcp.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
}

/// Resolves once `stop` is true (or its sender is gone).
async fn stopping(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

/// A TLS handshake that did not complete: counted, and logged at DEBUG only (anyone can open a
/// socket and send garbage, or speak plain HTTP to a TLS port).
fn handshake_failed(outcome: &'static str, error: &dyn std::fmt::Display) {
    metrics::counter!("amazon_chat_tls_handshake_failures_total", "outcome" => outcome).increment(1);
    tracing::debug!(outcome, "TLS handshake failed: {error}");
}

/// Serves one connection until it closes, is idle for `idle` with nothing in flight, or the
/// server drains (then it finishes what is in flight and closes).
async fn serve_one<I>(
    builder: &Builder<TokioExecutor>,
    io: I,
    router: axum::Router,
    idle: Duration,
    mut drain_signal: watch::Receiver<bool>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::default());
    let tracked = activity.clone();
    let service = tower::service_fn(move |request: http::Request<hyper::body::Incoming>| {
        let guard = InFlight::enter(tracked.clone());
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await?;
            // The guard lives as long as the body: a stream is in flight until it ends.
            Ok::<_, std::convert::Infallible>(response.map(|body| Body::new(Tracked { body, _guard: guard })))
        }
    });
    let connection = builder.serve_connection_with_upgrades(io, TowerToHyperService::new(service));
    tokio::pin!(connection);
    let mut shutting_down = false;
    loop {
        let quiet = activity.quiet_for(idle);
        tokio::select! {
            _ = connection.as_mut() => return,
            () = quiet, if !shutting_down => {
                if activity.is_idle() {
                    metrics::counter!("amazon_chat_connections_idle_closed_total").increment(1);
                    connection.as_mut().graceful_shutdown();
                    shutting_down = true;
                }
            }
            changed = drain_signal.changed(), if !shutting_down => {
                if changed.is_err() || *drain_signal.borrow() {
                    connection.as_mut().graceful_shutdown();
                    shutting_down = true;
                }
            }
        }
    }
}

/// Requests in flight on one connection, and when the last one ended.
#[derive(Default)]
struct Activity {
    in_flight: AtomicUsize,
    /// Bumped whenever a request starts or ends, so a waiting watchdog starts its wait again.
    changed: Notify,
}

impl Activity {
    fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }

    /// Resolves once `idle` has passed with no request starting or ending.
    async fn quiet_for(&self, idle: Duration) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if tokio::time::timeout(idle, changed).await.is_err() {
                return;
            }
        }
    }
}

/// One request in flight, counted until its response body is done.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn enter(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        activity.changed.notify_waiters();
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.0.changed.notify_waiters();
    }
}

/// A response body that holds its request's [`InFlight`] until it is dropped.
struct Tracked {
    body: Body,
    _guard: InFlight,
}

impl http_body::Body for Tracked {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Raises the soft limit on open files to the hard one, and returns it: the default soft limit
/// (often 1,024) is what let idle sockets take the server down.
pub fn raise_open_files_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(error) => {
            tracing::warn!("cannot raise the open-files limit: {error}");
            rlimit::getrlimit(rlimit::Resource::NOFILE).ok().map(|(soft, _)| soft)
        }
    }
}

/// `--max-connections 0` (auto): half the open-files limit (the other half is for upstream
/// connections, the files the server reads and the overflow reserve), at most 65,536.
pub fn auto_max_connections(open_files: Option<u64>) -> usize {
    let half = open_files.unwrap_or(1024) / 2;
    usize::try_from(half.clamp(64, 65_536)).unwrap_or(65_536)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_automatic_cap_leaves_room_for_upstream_connections() {
        assert_eq!(auto_max_connections(Some(1024)), 512);
        assert_eq!(auto_max_connections(Some(1_048_576)), 65_536);
        assert_eq!(auto_max_connections(Some(10)), 64);
        assert_eq!(auto_max_connections(None), 512);
    }

    #[tokio::test(start_paused = true)]
    async fn quiet_waits_restart_when_a_request_starts_or_ends() {
        let activity = Arc::new(Activity::default());
        let started = tokio::time::Instant::now();
        let watcher = {
            let activity = activity.clone();
            tokio::spawn(async move { activity.quiet_for(Duration::from_secs(10)).await })
        };
        tokio::time::sleep(Duration::from_secs(6)).await;
        let guard = InFlight::enter(activity.clone());
        assert!(!activity.is_idle());
        drop(guard);
        watcher.await.unwrap();
        assert_eq!(started.elapsed(), Duration::from_secs(16), "10 s after the last change");
        assert!(activity.is_idle());
    }
}
