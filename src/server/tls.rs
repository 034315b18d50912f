//! TLS termination (`--tls-cert`, `--tls-key`, optionally `--tls-client-ca`): gRPC and REST on
//! the same port, negotiated by ALPN (`h2` for gRPC and HTTP/2 clients, `http/1.1` for the rest).
//!
//! The files are read at start (a bad one stops the server with a message naming the flag) and
//! watched: when one changes (cert-manager renewing, a Kubernetes Secret updated through its
//! symlink swap), the set is read again and new connections get it; open connections keep the
//! one they started with. A set that does not load is refused with an ERROR line and the old one
//! stays in use, so a half-written renewal never takes the server down.
//!
//! With `--tls-client-ca`, callers must present a certificate that CA signed (mTLS between
//! internal services); API keys still apply on top.

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// How often the files are checked for changes (three `stat` calls).
pub const RELOAD_CHECK_INTERVAL: Duration = Duration::from_secs(2);

/// Where the certificate chain, its key and the optional client CA are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain, leaf first (`--tls-cert`).
    pub cert: PathBuf,
    /// PEM private key, PKCS#8, PKCS#1 or SEC1 (`--tls-key`).
    pub key: PathBuf,
    /// PEM CA certificates callers' certificates must chain to (`--tls-client-ca`).
    pub client_ca: Option<PathBuf>,
}

/// The current TLS settings, swapped whole when the files change.
#[derive(Clone)]
pub struct Tls {
    files: TlsFiles,
    current: Arc<RwLock<Arc<rustls::ServerConfig>>>,
}

impl Tls {
    /// Reads the files; the error names the flag of the file at fault and why.
    pub fn load(files: TlsFiles) -> Result<Self, String> {
        let config = server_config(&files)?;
        Ok(Self { files, current: Arc::new(RwLock::new(Arc::new(config))) })
    }

    /// An acceptor with the settings of the moment, for one connection.
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        let config = match self.current.read() {
            Ok(current) => current.clone(),
            // A writer never panics while holding the lock (it only swaps an Arc), but a poisoned
            // lock still holds a complete config.
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        tokio_rustls::TlsAcceptor::from(config)
    }

    /// Checks the files every [`RELOAD_CHECK_INTERVAL`] and reloads them when one changed.
    pub fn watch(&self) -> tokio::task::JoinHandle<()> {
        let tls = self.clone();
        tokio::spawn(async move {
            let mut seen = fingerprint(&tls.files);
            let mut ticks = tokio::time::interval(RELOAD_CHECK_INTERVAL);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let now = fingerprint(&tls.files);
                if now == seen {
                    continue;
                }
                seen = now;
                tls.reload();
            }
        })
    }

    /// Reads the files again; keeps the old settings when they do not load.
    fn reload(&self) {
        match server_config(&self.files) {
            Ok(config) => {
                let config = Arc::new(config);
                match self.current.write() {
                    Ok(mut current) => *current = config,
                    Err(poisoned) => *poisoned.into_inner() = config,
                }
                metrics::counter!("amazon_chat_tls_reloads_total", "outcome" => "loaded").increment(1);
                tracing::info!(cert = %self.files.cert.display(), "TLS certificate reloaded; new connections use it");
            }
            Err(reason) => {
                metrics::counter!("amazon_chat_tls_reloads_total", "outcome" => "refused").increment(1);
                tracing::error!(
                    "TLS files changed but do not load ({reason}); still serving the previous certificate"
                );
            }
        }
    }
}

/// What identifies a version of the files: modification time and length of each (following
/// symlinks, so a Kubernetes Secret's atomic swap counts).
type Fingerprint = Vec<Option<(SystemTime, u64)>>;

fn fingerprint(files: &TlsFiles) -> Fingerprint {
    let paths = [Some(&files.cert), Some(&files.key), files.client_ca.as_ref()];
    paths
        .into_iter()
        .flatten()
        .map(|path| std::fs::metadata(path).ok().and_then(|m| Some((m.modified().ok()?, m.len()))))
        .collect()
}

fn server_config(files: &TlsFiles) -> Result<rustls::ServerConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let chain = certificates(&files.cert, "--tls-cert")?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("--tls-key {}: no PEM private key ({e})", files.key.display()))?;
    let verifier = match &files.client_ca {
        None => WebPkiClientVerifier::no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for certificate in certificates(path, "--tls-client-ca")? {
                roots
                    .add(certificate)
                    .map_err(|e| format!("--tls-client-ca {}: not a CA certificate ({e})", path.display()))?;
            }
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| format!("--tls-client-ca {}: {e}", path.display()))?
        }
    };
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| {
            format!("--tls-cert {} with --tls-key {}: {e}", files.cert.display(), files.key.display())
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Every certificate of a PEM file; at least one.
fn certificates(path: &Path, flag: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain = CertificateDer::pem_file_iter(path)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{flag} {}: {e}", path.display()))?;
    if chain.is_empty() {
        return Err(format!("{flag} {}: no PEM certificate in the file", path.display()));
    }
    Ok(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_named_with_its_flag() {
        let dir = tempfile::tempdir().unwrap();
        let files =
            TlsFiles { cert: dir.path().join("cert.pem"), key: dir.path().join("key.pem"), client_ca: None };
        let error = Tls::load(files).err().unwrap();
        assert!(error.starts_with("--tls-cert "), "{error}");
    }

    #[test]
    fn a_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, "not a certificate\n").unwrap();
        let files = TlsFiles { cert, key: dir.path().join("key.pem"), client_ca: None };
        let error = Tls::load(files).err().unwrap();
        assert!(error.contains("no PEM certificate"), "{error}");
    }
}
