//! Images by URL. Bedrock takes image bytes, never URLs, so an `image_url` with an `https://` (or,
//! when allowed, `http://`) URL is fetched by the server and sent as bytes.
//!
//! A gateway that fetches URLs for its callers is a classic SSRF hole, so the fetch is held tight:
//! - the host name is resolved once, every address it resolves to is checked ([`address`]:
//!   loopback, private, link-local with the instance-metadata address, unique-local, multicast and
//!   IPv4-mapped forms are refused), and the connection goes to the checked address, so DNS cannot
//!   answer differently the second time;
//! - `--image-url-hosts` limits the hosts (exact names or `*.example.com`); `--image-urls off`
//!   refuses every URL, `https` (the default) fetches https only, `http` plain http too;
//! - at most [`MAX_REDIRECTS`] redirects, each checked like the first URL;
//! - at most [`MAX_IMAGE_BYTES`] (Bedrock's image limit) and `--image-url-timeout` for the whole
//!   fetch, redirects included;
//! - the format comes from the bytes ([`sniff`]), not from the server's content type.
//!
//! Each refusal or failure is a 400 naming the part and the reason.

pub mod address;
pub mod sniff;

use crate::chat::validate::data_url::ImageKind;
use crate::error::{Error, Result};
use bytes::Bytes;
use http::Uri;
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// Bedrock's largest image: 3.75 MB.
pub const MAX_IMAGE_BYTES: usize = 3_932_160;
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 3;

/// Which image URLs are fetched (`--image-urls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Schemes {
    /// None: image URLs are refused, only data URLs (and S3 locations) are taken.
    Off,
    /// `https://` URLs.
    #[default]
    Https,
    /// `https://` and plain `http://` URLs.
    Http,
}

/// What may be fetched, and for how long.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `--image-urls`.
    pub schemes: Schemes,
    /// `--image-url-hosts`: allowed host names (`*.example.com` for a domain); empty: any host
    /// with a public address.
    pub hosts: Vec<String>,
    /// `--image-url-timeout`: the whole fetch, redirects included.
    pub timeout: Duration,
    /// `--image-urls-allow-loopback`: for tests and local development only.
    pub allow_loopback: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            schemes: Schemes::Https,
            hosts: Vec::new(),
            timeout: Duration::from_secs(10),
            allow_loopback: false,
        }
    }
}

/// Fetches images by URL under a [`Policy`].
pub struct Fetcher {
    policy: Policy,
    /// Built on the first https fetch (loading the system's root certificates).
    tls: OnceLock<std::result::Result<tokio_rustls::TlsConnector, String>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl Default for Fetcher {
    fn default() -> Self {
        Self::new(Policy::default())
    }
}

/// One response: the image's bytes, or where it moved.
enum Fetched {
    Body(Vec<u8>),
    Redirect(String),
}

impl Fetcher {
    /// A fetcher for `policy`.
    pub fn new(policy: Policy) -> Self {
        Self { policy, tls: OnceLock::new() }
    }

    /// Whether `url` is one this module fetches (else it is a data URL or an S3 location).
    pub fn is_remote(url: &str) -> bool {
        url.starts_with("https://") || url.starts_with("http://")
    }

    /// The image at `url`, or a 400 naming `field` with the reason.
    pub async fn image(&self, url: &str, field: &str) -> Result<(ImageKind, Vec<u8>)> {
        let refused = |why: String| Error::invalid(field, format!("the image URL cannot be used: {why}"));
        if self.policy.schemes == Schemes::Off {
            return Err(refused(
                "this server fetches no image URLs (--image-urls off); send the image as a data URL"
                    .to_owned(),
            ));
        }
        let limit = self.policy.timeout;
        let bytes = match tokio::time::timeout(limit, self.follow(url)).await {
            Err(_) => return Err(refused(format!("fetching it took longer than {limit:?}"))),
            Ok(result) => result.map_err(refused)?,
        };
        match sniff::image_kind(&bytes) {
            Some(kind) => Ok((kind, bytes)),
            None => Err(refused("what it serves is not a png, jpeg, gif or webp image".to_owned())),
        }
    }

    /// Follows redirects, checking each hop as the first.
    async fn follow(&self, url: &str) -> std::result::Result<Vec<u8>, String> {
        let mut url: Uri = url.parse().map_err(|_| "it is not a valid URL".to_owned())?;
        for _ in 0..=MAX_REDIRECTS {
            match self.get(&url).await? {
                Fetched::Body(bytes) => return Ok(bytes),
                Fetched::Redirect(location) => url = redirect_target(&url, &location)?,
            }
        }
        Err(format!("it redirects more than {MAX_REDIRECTS} times"))
    }

    /// One GET, to an address checked against the policy.
    async fn get(&self, url: &Uri) -> std::result::Result<Fetched, String> {
        let tls = match (url.scheme_str(), self.policy.schemes) {
            (Some("https"), _) => true,
            (Some("http"), Schemes::Http) => false,
            (Some("http"), _) => {
                return Err("plain http URLs are refused (--image-urls http allows them)".to_owned());
            }
            _ => return Err("only https URLs are fetched".to_owned()),
        };
        let host = url.host().ok_or_else(|| "it names no host".to_owned())?;
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        if !self.host_allowed(bare_host) {
            return Err(format!("host {bare_host:?} is not among the allowed hosts (--image-url-hosts)"));
        }
        let port = url.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let address = self.checked_address(bare_host, port).await?;
        let tcp = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot connect to {bare_host} ({address}): {e}"))?;
        let authority = match url.port_u16() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let request = http::Request::get(url.path_and_query().map_or("/", |p| p.as_str()))
            .header(http::header::HOST, authority)
            .header(http::header::USER_AGENT, concat!("amazon-chat/", env!("CARGO_PKG_VERSION")))
            .header(http::header::ACCEPT, "image/png, image/jpeg, image/gif, image/webp")
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        if tls {
            let connector = self.tls()?;
            let name = rustls::pki_types::ServerName::try_from(bare_host.to_owned())
                .map_err(|_| format!("{bare_host:?} is not a valid TLS server name"))?;
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS with {bare_host} failed: {e}"))?;
            send(stream, request).await
        } else {
            send(tcp, request).await
        }
    }

    /// Resolves `host` once and returns an address to connect to, refusing the host when any
    /// address it resolves to is not public.
    async fn checked_address(&self, host: &str, port: u16) -> std::result::Result<SocketAddr, String> {
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} does not resolve: {e}"))?
            .collect();
        for candidate in &addresses {
            if let Some(why) = address::refusal(candidate.ip(), self.policy.allow_loopback) {
                return Err(format!("{host} resolves to {why} ({}), which is refused", candidate.ip()));
            }
        }
        addresses.first().copied().ok_or_else(|| format!("{host} resolves to no address"))
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.policy.hosts.is_empty()
            || self.policy.hosts.iter().any(|allowed| match allowed.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == *allowed,
            })
    }

    fn tls(&self) -> std::result::Result<tokio_rustls::TlsConnector, String> {
        self.tls.get_or_init(tls_connector).clone()
    }
}

/// A TLS client trusting the system's root certificates.
fn tls_connector() -> std::result::Result<tokio_rustls::TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(certificate);
    }
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS is not available: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// Sends `request` over `io` (HTTP/1.1) and reads the answer: the body, capped, or a redirect.
async fn send<S>(io: S, request: http::Request<Empty<Bytes>>) -> std::result::Result<Fetched, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("the HTTP exchange failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let result = async {
        let response =
            sender.send_request(request).await.map_err(|e| format!("the HTTP exchange failed: {e}"))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| format!("the server answered {status} without a Location"))?;
            return Ok(Fetched::Redirect(location.to_owned()));
        }
        if !status.is_success() {
            return Err(format!("the server answered {status}"));
        }
        let too_large =
            || format!("it is larger than {MAX_IMAGE_BYTES} bytes (3.75 MB, Bedrock's image limit)");
        let declared = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|length| length > MAX_IMAGE_BYTES) {
            return Err(too_large());
        }
        let mut body = response.into_body();
        let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| format!("reading it failed: {e}"))?;
            if let Some(data) = frame.data_ref() {
                if bytes.len() + data.len() > MAX_IMAGE_BYTES {
                    return Err(too_large());
                }
                bytes.extend_from_slice(data);
            }
        }
        Ok(Fetched::Body(bytes))
    }
    .await;
    driver.abort();
    result
}

/// Where a redirect goes: an absolute URL, or a path on the same origin.
fn redirect_target(from: &Uri, location: &str) -> std::result::Result<Uri, String> {
    if Fetcher::is_remote(location) {
        return location.parse().map_err(|_| format!("it redirects to an invalid URL {location:?}"));
    }
    if !location.starts_with('/') || location.starts_with("//") {
        return Err(format!("it redirects to {location:?}, which is not an http(s) URL or an absolute path"));
    }
    let scheme = from.scheme_str().unwrap_or("https");
    let authority = from.authority().map_or("", |a| a.as_str());
    format!("{scheme}://{authority}{location}")
        .parse()
        .map_err(|_| format!("it redirects to an invalid URL {location:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_hosts_match_names_and_domains() {
        let fetcher = Fetcher::new(Policy {
            hosts: vec!["images.example.com".into(), "*.cdn.example.net".into()],
            ..Policy::default()
        });
        assert!(fetcher.host_allowed("images.example.com"));
        assert!(fetcher.host_allowed("IMAGES.example.com"));
        assert!(fetcher.host_allowed("eu.cdn.example.net"));
        assert!(!fetcher.host_allowed("cdn.example.net.evil.com"));
        assert!(!fetcher.host_allowed("example.com"));
        assert!(Fetcher::default().host_allowed("anything.example.org"));
    }

    #[test]
    fn redirects_resolve_against_the_origin_and_refuse_other_schemes() {
        let from: Uri = "https://images.example.com/a/b.png".parse().unwrap();
        assert_eq!(redirect_target(&from, "/c.png").unwrap().to_string(), "https://images.example.com/c.png");
        assert_eq!(
            redirect_target(&from, "http://other.example/x").unwrap().to_string(),
            "http://other.example/x"
        );
        assert!(redirect_target(&from, "file:///etc/passwd").is_err());
        assert!(redirect_target(&from, "//evil.example/x").is_err());
        assert!(redirect_target(&from, "relative.png").is_err());
    }
}
