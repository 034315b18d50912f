//! Client authentication by API key, for gRPC and REST alike: `authorization: Bearer <key>`, or
//! `x-api-key: <key>` (Anthropic's SDKs send that).
//!
//! Keys come from `API_KEY`/`API_KEYS`/`API_KEYS_FILE` (plain keys: every model, no limits, name
//! `default`) and from the keys file (`--keys-file`: named keys with models and limits, see
//! [`keys_file`]). They are kept as SHA-256 digests and compared in constant time against every
//! known key, so neither the comparison nor the key lengths leak through timing. A match yields the
//! [`Caller`]: its name (never the key) goes into logs, metrics and errors. The keys file is
//! reloaded when it changes or on SIGHUP; a broken file is refused with a log line naming the entry,
//! and the keys in force stay.
//!
//! Health checks, reflection, `/metrics` and the OpenAPI document need no key (load balancers,
//! grpcurl and Prometheus call them unauthenticated).

pub mod keys_file;
pub mod policy;

pub use policy::{Caller, Limits};

use crate::config::Secret;
use crate::error::{Error, ErrorKind};
use keys_file::KeysFile;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// Paths that never need a key.
const OPEN_PATH_PREFIXES: &[&str] = &[
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1.ServerReflection/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/health",
    "/ready",
    "/openapi.json",
    "/metrics",
];

/// How often the keys file is looked at for changes.
const WATCH_PERIOD: Duration = Duration::from_secs(2);

/// The known keys: digests and who they belong to.
#[derive(Clone, Default)]
struct KeySet {
    entries: Vec<([u8; 32], Caller)>,
}

/// The configured API keys, reloadable. Empty means the server is open.
#[derive(Clone, Default)]
pub struct ApiKeys {
    plain: Arc<Vec<[u8; 32]>>,
    current: Arc<RwLock<Arc<KeySet>>>,
    file: Option<PathBuf>,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} configured)", self.set().entries.len())
    }
}

impl ApiKeys {
    /// Plain keys only.
    pub fn new(keys: &[Secret]) -> Self {
        let plain: Vec<[u8; 32]> = keys.iter().map(|key| digest(key.expose())).collect();
        let set = KeySet { entries: plain.iter().map(|d| (*d, Caller::plain())).collect() };
        Self { plain: Arc::new(plain), current: Arc::new(RwLock::new(Arc::new(set))), file: None }
    }

    /// Plain keys and the keys file; a broken file refuses start-up (naming the entry).
    pub fn with_file(keys: &[Secret], file: Option<PathBuf>) -> Result<Self, String> {
        let mut this = Self::new(keys);
        if let Some(path) = file {
            let loaded = KeysFile::load(&path).map_err(|e| format!("--keys-file: {e}"))?;
            this.install(&loaded);
            this.file = Some(path);
        }
        Ok(this)
    }

    fn set(&self) -> Arc<KeySet> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn install(&self, file: &KeysFile) {
        let mut entries: Vec<([u8; 32], Caller)> = self.plain.iter().map(|d| (*d, Caller::plain())).collect();
        entries.extend(file.entries.iter().map(|(digest, entry)| {
            let caller = Caller {
                name: Arc::from(entry.name.as_str()),
                models: Arc::from(entry.models.clone()),
                limits: entry.limits,
            };
            (*digest, caller)
        }));
        *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Arc::new(KeySet { entries });
    }

    /// Reloads the keys file; on failure the keys in force stay and the log names the entry.
    pub fn reload(&self) -> bool {
        let Some(path) = &self.file else { return false };
        match KeysFile::load(path) {
            Ok(file) => {
                self.install(&file);
                tracing::info!(keys = file.entries.len(), "keys file reloaded");
                true
            }
            Err(error) => {
                tracing::error!("keys file refused, the keys in force stay: {error}");
                false
            }
        }
    }

    /// Reloads the keys file when it changes or on SIGHUP, until the process ends.
    pub fn watch(&self) -> Option<tokio::task::JoinHandle<()>> {
        let path = self.file.clone()?;
        let keys = self.clone();
        Some(tokio::spawn(async move {
            let stamp = |path: &PathBuf| {
                std::fs::metadata(path)
                    .ok()
                    .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
            };
            let mut last = stamp(&path);
            #[cfg(unix)]
            let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
            loop {
                #[cfg(unix)]
                let signalled = async {
                    match hangup.as_mut() {
                        Some(signal) => signal.recv().await.is_some(),
                        None => std::future::pending().await,
                    }
                };
                #[cfg(not(unix))]
                let signalled = std::future::pending::<bool>();
                let by_signal = tokio::select! {
                    _ = tokio::time::sleep(WATCH_PERIOD) => false,
                    got = signalled => got,
                };
                let now = stamp(&path);
                if by_signal || now != last {
                    last = now;
                    keys.reload();
                }
            }
        }))
    }

    /// Whether no key is configured (every call is let through).
    pub fn is_open(&self) -> bool {
        self.file.is_none() && self.plain.is_empty()
    }

    /// Whether `path` is exempt from authentication.
    pub fn is_open_path(path: &str) -> bool {
        OPEN_PATH_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
    }

    /// Checks a call's headers: `authorization: Bearer <key>`, or else `x-api-key: <key>` (what
    /// Anthropic's SDKs send). The caller the key belongs to.
    pub fn check_headers(&self, headers: &http::HeaderMap) -> Result<Caller, Error> {
        let header = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
        match (header(http::header::AUTHORIZATION.as_str()), header("x-api-key")) {
            (None, Some(key)) if !self.is_open() => self.check_key(key.trim()),
            (authorization, _) => self.check(authorization),
        }
    }

    /// Checks an `authorization` header value: the caller it belongs to.
    pub fn check(&self, authorization: Option<&str>) -> Result<Caller, Error> {
        if self.is_open() {
            return Ok(Caller::anonymous());
        }
        let Some(value) = authorization else {
            return Err(Error::new(
                ErrorKind::InvalidApiKey,
                "missing API key: send the header `authorization: Bearer <key>` (or `x-api-key: <key>`)",
            ));
        };
        if value.starts_with("AWS4-") {
            return Err(Error::new(
                ErrorKind::InvalidApiKey,
                "this gateway takes its API key as a bearer token, not an AWS signature: give the AWS SDK the \
                 key as AWS_BEARER_TOKEN_BEDROCK (it then sends `authorization: Bearer <key>`, over https)",
            ));
        }
        let key = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .ok_or_else(|| {
                Error::new(ErrorKind::InvalidApiKey, "the authorization header must be `Bearer <key>`")
            })?;
        self.check_key(key)
    }

    /// The caller a presented key belongs to.
    fn check_key(&self, key: &str) -> Result<Caller, Error> {
        let presented = digest(key);
        let set = self.set();
        // Compare against every key, without stopping early; remember which matched.
        let mut found = subtle::Choice::from(0);
        let mut index = u32::MAX;
        for (i, (known, _)) in set.entries.iter().enumerate() {
            let equal = known.ct_eq(&presented);
            index = u32::conditional_select(&index, &(i as u32), equal);
            found |= equal;
        }
        match set.entries.get(index as usize) {
            Some((_, caller)) if bool::from(found) => Ok(caller.clone()),
            _ => Err(Error::new(ErrorKind::InvalidApiKey, "invalid API key")),
        }
    }
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> ApiKeys {
        ApiKeys::new(&[Secret::new("key-one".into()), Secret::new("key-two".into())])
    }

    #[test]
    fn accepts_any_configured_key_as_a_bearer_token() {
        assert_eq!(&*keys().check(Some("Bearer key-one")).unwrap().name, "default");
        assert!(keys().check(Some("bearer key-two")).is_ok());
    }

    #[test]
    fn rejects_missing_wrong_and_malformed_keys_as_unauthenticated() {
        for header in [None, Some("Bearer nope"), Some("key-one"), Some("Basic key-one")] {
            assert_eq!(keys().check(header).unwrap_err().kind, ErrorKind::InvalidApiKey, "{header:?}");
        }
    }

    #[test]
    fn no_keys_means_open() {
        assert_eq!(&*ApiKeys::default().check(None).unwrap().name, "anonymous");
    }

    #[test]
    fn debug_never_shows_keys() {
        assert!(!format!("{:?}", keys()).contains("key-one"));
    }

    #[test]
    fn a_named_key_is_its_caller_and_a_broken_reload_keeps_the_keys_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.toml");
        let (key, entry) = keys_file::new_key("team-a");
        std::fs::write(&path, &entry).unwrap();
        let keys = ApiKeys::with_file(&[], Some(path.clone())).unwrap();
        assert_eq!(&*keys.check(Some(&format!("Bearer {key}"))).unwrap().name, "team-a");
        std::fs::write(&path, "[[keys]]\nname = \"b\"\nsha256 = \"nope\"\n").unwrap();
        assert!(!keys.reload());
        assert!(keys.check(Some(&format!("Bearer {key}"))).is_ok(), "the old keys stay");
        let (other, entry) = keys_file::new_key("team-b");
        std::fs::write(&path, &entry).unwrap();
        assert!(keys.reload());
        assert_eq!(&*keys.check(Some(&format!("Bearer {other}"))).unwrap().name, "team-b");
        assert!(keys.check(Some(&format!("Bearer {key}"))).is_err(), "a removed key stops working");
    }
}
