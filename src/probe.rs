//! `amazon-chat health`: asks a running server whether it serves, and exits 0 (serving) or 1, for
//! a container's `HEALTHCHECK` or a script. By default it uses gRPC health (the whole server, `""`),
//! as Kubernetes' gRPC probes do; `--rest` asks `GET /ready` instead. Both need no API key, and
//! both reach an `https://` server too ([`crate::connect`]).

use crate::config::HealthArgs;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

/// Asks the server: `Ok` with what it said when it serves, else `Err` with why not.
pub async fn check(args: &HealthArgs) -> Result<String, String> {
    let url = args.url.trim_end_matches('/');
    let asked = async { if args.rest { ready(url, &args.tls).await } else { grpc(url, &args.tls).await } };
    match tokio::time::timeout(args.timeout, asked).await {
        Ok(answer) => answer,
        Err(_) => Err(format!("{url} did not answer within {:?}", args.timeout)),
    }
}

async fn grpc(url: &str, tls: &crate::config::ClientTls) -> Result<String, String> {
    let channel = crate::connect::grpc_channel(url, tls).await?;
    let reply = HealthClient::new(channel)
        .check(HealthCheckRequest { service: String::new() })
        .await
        .map_err(|status| {
            format!("{url} answered the health check with {:?}: {}", status.code(), status.message())
        })?;
    match reply.into_inner().status() {
        ServingStatus::Serving => Ok("SERVING".to_owned()),
        other => Err(format!("{url} is {}", other.as_str_name())),
    }
}

async fn ready(url: &str, tls: &crate::config::ClientTls) -> Result<String, String> {
    use http_body_util::{BodyExt as _, Empty};
    let connector = crate::connect::connector(tls, crate::connect::Protocol::Rest)?;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Empty<bytes::Bytes>>(connector);
    let uri: http::Uri = format!("{url}/ready").parse().map_err(|e| format!("--url {url:?}: {e}"))?;
    let response = client.get(uri).await.map_err(|e| format!("cannot reach {url}/ready: {e}"))?;
    let status = response.status();
    let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let body = String::from_utf8_lossy(&body).chars().take(200).collect::<String>();
    if status.is_success() {
        Ok(format!("ready: {body}"))
    } else {
        Err(format!("{url}/ready answered {status}: {body}"))
    }
}
