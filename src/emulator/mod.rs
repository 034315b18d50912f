//! A Bedrock Runtime emulator that speaks Bedrock's real wire protocol, so the real SDK path (SigV4
//! signing, JSON, event-stream framing, typed exceptions) runs end to end with no AWS account.
//!
//! - `POST /model/{modelId}/converse` and `/converse-stream`, with signatures verified against the
//!   emulator's credential table ([`sigv4`]) and unknown model ids rejected as Bedrock does.
//! - Deterministic answers derived from the request ([`answer`]), framed as event streams
//!   ([`eventstream`]) for ConverseStream.
//! - Faults and timing driven from the prompt ([`directives`]).
//! - A log of what it received: `GET /_emulator/requests` (JSON), `DELETE` to clear it.
//!
//! `serve --demo` runs it in-process on a loopback port; `amazon-chat emulator` runs it alone.

pub mod answer;
pub mod directives;
pub mod eventstream;
mod routes;
pub mod sigv4;

use aws_credential_types::Credentials;
use serde::Serialize;
use sigv4::KnownCredential;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The access key id of the credential the emulator always accepts (`serve --demo` signs with it).
pub const DEMO_ACCESS_KEY_ID: &str = "AKIAEMULATORDEMO0001";
/// Its secret. Not a secret: it only ever opens the emulator.
pub const DEMO_SECRET_ACCESS_KEY: &str = "emulator-demo-secret-access-key-not-a-real-one";

/// How many requests the log keeps (the oldest are dropped).
const LOG_CAPACITY: usize = 1000;

/// The demo credentials, for the SDK.
pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None, None, "amazon-chat-demo")
}

/// One request the emulator received.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// Arrival order, from 1.
    pub seq: u64,
    /// `converse` or `converse-stream`.
    pub operation: &'static str,
    /// The model id from the path, percent-decoded.
    pub model_id: String,
    /// The access key id that signed the request, if it verified.
    pub access_key_id: Option<String>,
    /// The region in the signature's scope, if it verified.
    pub region: Option<String>,
    /// Whether a session token was sent.
    pub session_token_sent: bool,
    /// `ok`, `error:<Exception>`, `streaming`, `completed`, `client_closed`, `stream_error`, `stream_cut`.
    pub outcome: String,
    /// The request body as JSON (null if it was not JSON).
    pub body: serde_json::Value,
}

/// The emulator's state: accepted credentials and the request log.
#[derive(Debug)]
pub struct Emulator {
    credentials: Mutex<HashMap<String, KnownCredential>>,
    log: Mutex<VecDeque<Recorded>>,
    next_seq: AtomicU64,
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// An emulator that accepts the demo credentials.
    pub fn new() -> Self {
        let emulator =
            Self { credentials: Mutex::default(), log: Mutex::default(), next_seq: AtomicU64::new(1) };
        emulator.accept(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None);
        emulator
    }

    /// Accepts another credential.
    pub fn accept(&self, access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) {
        let credential = KnownCredential {
            secret_access_key: secret_access_key.to_owned(),
            session_token: session_token.map(str::to_owned),
        };
        self.credentials.lock().expect("credential table lock").insert(access_key_id.to_owned(), credential);
    }

    fn credential(&self, access_key_id: &str) -> Option<KnownCredential> {
        self.credentials.lock().expect("credential table lock").get(access_key_id).cloned()
    }

    /// Everything received so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().expect("log lock").iter().cloned().collect()
    }

    fn record(&self, mut entry: Recorded) -> u64 {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        entry.seq = seq;
        let mut log = self.log.lock().expect("log lock");
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
        seq
    }

    fn set_outcome(&self, seq: u64, outcome: impl Into<String>) {
        if let Some(entry) = self.log.lock().expect("log lock").iter_mut().rev().find(|e| e.seq == seq) {
            entry.outcome = outcome.into();
        }
    }

    fn clear(&self) {
        self.log.lock().expect("log lock").clear();
    }

    /// Serves the emulator on `listener` until the task is dropped or aborted.
    pub fn serve(self: Arc<Self>, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        let router = routes::router(self);
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "emulator stopped");
            }
        })
    }

    /// Binds `addr` and serves; returns the bound address.
    pub async fn spawn(
        self: Arc<Self>,
        addr: SocketAddr,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        Ok((bound, self.serve(listener)))
    }
}
