//! TLS termination through the real binary: gRPC and REST on one https port, certificates from
//! `amazon-chat dev-certs`, a renewal picked up without a restart, mTLS, a plain-HTTP caller on the
//! TLS port, `amazon-chat health` over https, and start-up refusing bad files by flag.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::config::ClientTls;
use amazon_chat::proto::v1::chat_service_client::ChatServiceClient;
use common::{Process, ask, isolated};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `amazon-chat dev-certs --out dir`.
fn dev_certs(dir: &Path) {
    let home = tempfile::tempdir().unwrap();
    let output = isolated(home.path()).args(["dev-certs", "--out"]).arg(dir).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn trusting(dir: &Path) -> ClientTls {
    ClientTls { ca_file: Some(dir.join("ca.pem")), client_cert: None, client_key: None }
}

fn with_identity(dir: &Path) -> ClientTls {
    ClientTls {
        ca_file: Some(dir.join("ca.pem")),
        client_cert: Some(dir.join("client.pem")),
        client_key: Some(dir.join("client-key.pem")),
    }
}

fn path(p: PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

/// A demo server with TLS from `certs` (and `extra` flags).
fn tls_server(certs: &Path, extra: &[&str]) -> Process {
    let (cert, key) = (path(certs.join("server.pem")), path(certs.join("server-key.pem")));
    let mut args = vec!["serve", "--demo", "--port", "0", "--tls-cert", &cert, "--tls-key", &key];
    args.extend_from_slice(extra);
    Process::start(&args, &[])
}

async fn chat_over(url: &str, tls: &ClientTls) -> Result<String, String> {
    let channel = amazon_chat::connect::grpc_channel(url, tls).await?;
    let reply =
        ChatServiceClient::new(channel).chat_completion(ask("over tls")).await.map_err(|s| s.to_string())?;
    let message = reply.into_inner().choices[0].message.clone().unwrap_or_default();
    Ok(format!("{:?}", message.content))
}

async fn ready_over(url: &str, tls: &ClientTls) -> Result<String, String> {
    let args = amazon_chat::config::HealthArgs {
        url: url.to_owned(),
        rest: true,
        tls: tls.clone(),
        timeout: Duration::from_secs(5),
    };
    amazon_chat::probe::check(&args).await
}

#[tokio::test]
async fn grpc_and_rest_share_the_https_port() {
    let certs = tempfile::tempdir().unwrap();
    dev_certs(certs.path());
    let server = tls_server(certs.path(), &[]);
    assert!(server.url.starts_with("https://127.0.0.1:"), "{}", server.url);

    let answer = chat_over(&server.url, &trusting(certs.path())).await.unwrap();
    assert!(answer.contains("You said: over tls"), "{answer}");
    let ready = ready_over(&server.url, &trusting(certs.path())).await.unwrap();
    assert!(ready.starts_with("ready"), "{ready}");

    // A client that does not trust the CA is refused by its own TLS stack.
    let untrusted = chat_over(&server.url, &ClientTls::default()).await.unwrap_err();
    assert!(untrusted.contains("certificate") || untrusted.contains("Unknown"), "{untrusted}");
}

#[tokio::test]
async fn plain_http_on_the_tls_port_fails_and_the_server_carries_on() {
    let certs = tempfile::tempdir().unwrap();
    dev_certs(certs.path());
    let server = tls_server(certs.path(), &[]);
    let plain = server.url.replace("https://", "http://");
    assert!(ready_over(&plain, &ClientTls::default()).await.is_err());
    assert!(ready_over(&server.url, &trusting(certs.path())).await.is_ok());
}

#[tokio::test]
async fn mtls_admits_only_callers_with_a_certificate_from_the_ca() {
    let certs = tempfile::tempdir().unwrap();
    dev_certs(certs.path());
    let ca = path(certs.path().join("ca.pem"));
    let server = tls_server(certs.path(), &["--tls-client-ca", &ca]);

    let answer = chat_over(&server.url, &with_identity(certs.path())).await.unwrap();
    assert!(answer.contains("You said"), "{answer}");
    // Without a certificate the handshake (or the first call) fails: no answer, no hang.
    let refused =
        tokio::time::timeout(Duration::from_secs(10), chat_over(&server.url, &trusting(certs.path())))
            .await
            .expect("a refusal, not a hang");
    assert!(refused.is_err(), "{refused:?}");
}

#[tokio::test]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let certs = tempfile::tempdir().unwrap();
    dev_certs(certs.path());
    let server = tls_server(certs.path(), &[]);
    assert!(ready_over(&server.url, &trusting(certs.path())).await.is_ok());

    // A renewal from another CA, written over the files the server watches.
    let renewed = tempfile::tempdir().unwrap();
    dev_certs(renewed.path());
    for file in ["server.pem", "server-key.pem"] {
        std::fs::copy(renewed.path().join(file), certs.path().join(file)).unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while ready_over(&server.url, &trusting(renewed.path())).await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the renewed certificate was not served:\n{}",
            server.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The old CA (still in the first folder) no longer vouches for what the server presents.
    assert!(ready_over(&server.url, &trusting(certs.path())).await.is_err());
    assert!(server.logs().contains("TLS certificate reloaded"), "{}", server.logs());

    // A broken renewal is refused and the last good certificate stays.
    std::fs::write(certs.path().join("server.pem"), "-----BEGIN CERTIFICATE-----\nbroken\n").unwrap();
    let logs = server.wait_for_log(Duration::from_secs(15), |logs| logs.contains("do not load"));
    assert!(logs.contains("still serving the previous certificate"), "{logs}");
    assert!(ready_over(&server.url, &trusting(renewed.path())).await.is_ok());
}

#[tokio::test]
async fn the_health_command_speaks_https() {
    let certs = tempfile::tempdir().unwrap();
    dev_certs(certs.path());
    let server = tls_server(certs.path(), &[]);
    let home = tempfile::tempdir().unwrap();
    let ca = path(certs.path().join("ca.pem"));
    let output =
        isolated(home.path()).args(["health", "--url", &server.url, "--ca-file", &ca]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "SERVING");
    let output = isolated(home.path()).args(["health", "--url", &server.url]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "an untrusted server is not healthy");
}

#[test]
fn start_up_names_the_flag_of_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = path(dir.path().join("missing.pem"));
    let output = isolated(dir.path())
        .args(["serve", "--demo", "--port", "0", "--tls-cert", &missing, "--tls-key", &missing])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tls-cert") && stderr.contains("missing.pem"), "{stderr}");

    // clap: the key without the certificate.
    let output = isolated(dir.path()).args(["serve", "--demo", "--tls-key", &missing]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--tls-cert"));
}
