//! `amazon-chat dev-certs`: a private CA, a server certificate and a client certificate for trying
//! TLS and mTLS locally and in tests (never for production: the CA key sits next to its
//! certificate). ECDSA P-256 keys, valid for 90 days.
//!
//! ```text
//! ca.pem                      the CA: give it to clients (--ca-file, grpcio's root_certificates, boto3's verify)
//! server.pem, server-key.pem  --tls-cert / --tls-key (names: localhost, 127.0.0.1, ::1, and --name)
//! client.pem, client-key.pem  a client identity the server accepts with --tls-client-ca ca.pem
//! ```

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// How long the certificates are valid.
const VALID_DAYS: i64 = 90;

/// Writes the five files into `dir` (made when missing) and returns their paths. `names` are the
/// server's extra DNS names or IP addresses.
pub fn write(dir: &Path, names: &[String]) -> Result<Vec<PathBuf>, String> {
    let failed = |e: rcgen::Error| format!("cannot make the certificates: {e}");
    std::fs::create_dir_all(dir).map_err(|e| format!("--out {}: {e}", dir.display()))?;

    let ca_key = KeyPair::generate().map_err(failed)?;
    let mut ca = params(Vec::new(), "amazon-chat development CA").map_err(failed)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut server_names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    server_names.extend(names.iter().filter(|n| !n.is_empty()).cloned());
    let server_key = KeyPair::generate().map_err(failed)?;
    let mut server = params(server_names, "amazon-chat development server").map_err(failed)?;
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let server_cert = server.signed_by(&server_key, &issuer).map_err(failed)?;

    let client_key = KeyPair::generate().map_err(failed)?;
    let mut client = params(Vec::new(), "amazon-chat development client").map_err(failed)?;
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    client.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let client_cert = client.signed_by(&client_key, &issuer).map_err(failed)?;

    let files = [
        ("ca.pem", ca_cert.pem(), false),
        ("server.pem", server_cert.pem(), false),
        ("server-key.pem", server_key.serialize_pem(), true),
        ("client.pem", client_cert.pem(), false),
        ("client-key.pem", client_key.serialize_pem(), true),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (name, pem, secret) in files {
        let path = dir.join(name);
        write_file(&path, &pem, secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Parameters with a common name and 90 days of validity from a day ago (clocks drift).
fn params(names: Vec<String>, common_name: &str) -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(names)?;
    params.distinguished_name.push(DnType::CommonName, common_name);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(VALID_DAYS);
    Ok(params)
}

/// Keys are readable by their owner only.
fn write_file(path: &Path, contents: &str, secret: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mode = if secret { 0o600 } else { 0o644 };
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_loads_what_it_writes_and_keys_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let files = write(dir.path(), &["gateway.internal".to_owned()]).unwrap();
        assert_eq!(files.len(), 5);
        let tls = crate::server::tls::TlsFiles {
            cert: dir.path().join("server.pem"),
            key: dir.path().join("server-key.pem"),
            client_ca: Some(dir.path().join("ca.pem")),
        };
        assert!(crate::server::tls::Tls::load(tls).is_ok());
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("client-key.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
