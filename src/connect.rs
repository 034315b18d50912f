//! How the command-line tools (`health`, `models`, `chat`) reach a running server: `http://` as
//! is, `https://` over rustls trusting the system's roots plus `--ca-file`, presenting
//! `--client-cert` when the server requires one. gRPC and REST share the one TLS configuration.

use crate::config::ClientTls;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;

/// A connector for `http://` and `https://` URLs.
pub type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// Which HTTP versions the connection offers (by ALPN on TLS).
#[derive(Debug, Clone, Copy)]
pub enum Protocol {
    /// gRPC: HTTP/2 only.
    Grpc,
    /// REST: HTTP/1.1.
    Rest,
}

/// A connector with the trust and identity `tls` describes; the error names the flag at fault.
pub fn connector(tls: &ClientTls, protocol: Protocol) -> Result<Connector, String> {
    let config = client_config(tls)?;
    let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config).https_or_http();
    Ok(match protocol {
        Protocol::Grpc => builder.enable_http2().build(),
        Protocol::Rest => builder.enable_http1().build(),
    })
}

/// A gRPC channel to `url` (`http://` or `https://`).
pub async fn grpc_channel(url: &str, tls: &ClientTls) -> Result<tonic::transport::Channel, String> {
    let endpoint =
        tonic::transport::Endpoint::from_shared(url.to_owned()).map_err(|e| format!("--url {url:?}: {e}"))?;
    endpoint
        .connect_with_connector(connector(tls, Protocol::Grpc)?)
        .await
        .map_err(|e| format!("cannot connect to {url}: {}", crate::error::describe_chain(&e)))
}

fn client_config(tls: &ClientTls) -> Result<rustls::ClientConfig, String> {
    let ClientTls { ca_file, client_cert, client_key } = tls;
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable system certificates are skipped, as every TLS client does; --ca-file may be all
    // the trust there is.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca_file {
        let certificates = CertificateDer::pem_file_iter(path)
            .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
        if certificates.is_empty() {
            return Err(format!("--ca-file {}: no PEM certificate in the file", path.display()));
        }
        for certificate in certificates {
            roots.add(certificate).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots);
    match (client_cert, client_key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("--client-cert {}: {e}", cert.display()))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("--client-key {}: no PEM private key ({e})", key.display()))?;
            builder.with_client_auth_cert(chain, key).map_err(|e| format!("--client-cert: {e}"))
        }
        // clap makes the two come together.
        _ => Ok(builder.with_no_client_auth()),
    }
}
