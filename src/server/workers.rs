//! `--thread-per-core`: the server as N single-threaded workers instead of one work-stealing
//! runtime, the model of Envoy's workers. Each worker is an OS thread with its own current-thread
//! tokio runtime, its own listener on the shared port (`SO_REUSEPORT`: the kernel spreads new
//! connections over the workers) and its own Bedrock connections (a client per worker, so a call
//! never wakes another thread: the caller's request, the upstream call and the answer all run on
//! the worker that accepted the connection).
//!
//! Shared by every worker, as in the default runtime: the keys, the limits (rate limits, the
//! in-flight, stream and connection caps), the catalog, health, metrics and the shutdown signal.
//! Worker 0 is the process's main runtime, which also runs the background tasks (credentials,
//! catalog refresh, file watchers); workers 1..N are spawned here.
//!
//! The trade: a connection stays on the worker that accepted it, so one client holding one HTTP/2
//! connection (a gRPC channel) is served by one core. The spread shows in
//! `amazon_chat_connections_accepted_total{worker}`.

use super::connections::{self, Routers, Setup};
use std::net::SocketAddr;
use tokio::sync::{oneshot, watch};

/// A listener that shares its port with the other workers' (`SO_REUSEPORT`). Must be called
/// inside the runtime that will serve it.
pub fn shared_listener(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket =
        if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// The accept queue of each worker's listener.
const LISTEN_BACKLOG: u32 = 1024;

/// A worker thread serving until `stop`; resolves once its loop has drained.
pub struct Worker {
    done: oneshot::Receiver<()>,
}

impl Worker {
    /// Starts worker `index`: a thread, its runtime, its listener on `addr` (the port the main
    /// listener got), serving `routers`. Returns once the listener is bound, or why it could not be.
    pub async fn start(
        index: usize,
        addr: SocketAddr,
        routers: Routers,
        setup: Setup,
        stop: watch::Receiver<bool>,
    ) -> Result<Worker, String> {
        let (bound_tx, bound_rx) = oneshot::channel::<Result<(), String>>();
        let (done_tx, done) = oneshot::channel();
        std::thread::Builder::new()
            .name(format!("amazon-chat-w{index}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ =
                            bound_tx.send(Err(format!("worker {index}: cannot start its runtime: {error}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match shared_listener(addr) {
                        Ok(listener) => listener,
                        Err(error) => {
                            let _ = bound_tx
                                .send(Err(format!("worker {index}: cannot listen on {addr}: {error}")));
                            return;
                        }
                    };
                    let _ = bound_tx.send(Ok(()));
                    connections::serve(listener, routers, setup, stop, index).await;
                    let _ = done_tx.send(());
                });
            })
            .map_err(|error| format!("worker {index}: cannot start its thread: {error}"))?;
        match bound_rx.await {
            Ok(Ok(())) => Ok(Worker { done }),
            Ok(Err(message)) => Err(message),
            Err(_) => Err(format!("worker {index} ended before it listened")),
        }
    }

    /// Resolves once the worker's loop has drained (or its thread ended).
    pub async fn drained(self) {
        let _ = self.done.await;
    }
}

/// How many workers `--thread-per-core` runs: `--worker-threads`, or one per CPU the process may
/// use (its affinity mask and cgroup quota, as the standard library counts them).
pub fn count(worker_threads: usize) -> usize {
    match worker_threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    }
}
