//! The AWS SDK configuration, loaded once at start-up, and the one shared Bedrock Runtime client.
//!
//! [`load`] reads region, retry and timeout settings (and, through the SDK, service endpoints such
//! as `AWS_ENDPOINT_URL_STS`); credentials come separately from [`crate::credentials`], so the
//! method is chosen by configuration rather than guessed.

use super::Bedrock;
use crate::config::Secret;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_bedrockruntime::config::Region;
use std::time::Duration;

/// The SDK settings that come from flags.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Attempts per call for the clients that keep the SDK's own retries (control plane, STS);
    /// Bedrock Runtime calls are retried by [`crate::chat::retry`] instead.
    pub max_attempts: u32,
    /// How long a connection to AWS may take to open.
    pub connect_timeout: Duration,
    /// How long before credentials expire they are refreshed.
    pub refresh_window: Duration,
}

/// Loads the shared SDK configuration: region (the flag, else the SDK's chain: AWS_REGION,
/// AWS_DEFAULT_REGION, the profile), retries and timeouts.
///
/// Credentials are cached by the SDK's lazy identity cache, refreshed `refresh_window` (plus up to
/// half again) before they expire; concurrent calls share one refresh.
pub async fn load(region: Option<String>, settings: Settings) -> Result<SdkConfig, String> {
    // An empty endpoint variable makes the SDK panic ("URL was unset"); refuse it with a clear message.
    for variable in ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] {
        if std::env::var_os(variable).is_some_and(|value| value.is_empty()) {
            return Err(format!("{variable} is set but empty: unset it, or set it to a URL"));
        }
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts.max(1)))
        .timeout_config(TimeoutConfig::builder().connect_timeout(settings.connect_timeout).build())
        .identity_cache(IdentityCache::lazy().buffer_time(settings.refresh_window).build());
    if let Some(region) = region {
        loader = loader.region(Region::new(region));
    }
    let sdk_config = loader.load().await;
    if sdk_config.region().is_none() {
        return Err(
            "no AWS region configured: set AWS_REGION (or pass --region, or set region in your AWS profile)"
                .into(),
        );
    }
    Ok(sdk_config)
}

/// How Bedrock calls authenticate: SigV4 with AWS credentials, or a Bedrock API key sent as a
/// bearer token. Pinned either way on every Bedrock client (runtime and control plane): the SDKs
/// switch to bearer auth on their own whenever `AWS_BEARER_TOKEN_BEDROCK` is in the environment,
/// and a stray variable must not override the configured method.
#[derive(Debug, Clone)]
pub enum Auth {
    /// SigV4, signing with these credentials.
    SigV4(SharedCredentialsProvider),
    /// A Bedrock API key (`--credentials bedrock-api-key`).
    ApiKey(Secret),
}

/// Sets a Bedrock SDK config builder's authentication to `$auth` (an [`Auth`]): the runtime's and
/// the control plane's builders are distinct types with the same setters.
macro_rules! authenticate {
    ($builder:expr, $auth:expr) => {{
        use aws_smithy_runtime_api::client::auth::AuthSchemeId;
        use aws_smithy_runtime_api::client::auth::http::HTTP_BEARER_AUTH_SCHEME_ID;
        match $auth {
            $crate::bedrock::sdk::Auth::SigV4(credentials) => $builder
                .credentials_provider(credentials.clone())
                .auth_scheme_preference([AuthSchemeId::new("sigv4")]),
            $crate::bedrock::sdk::Auth::ApiKey(key) => $builder
                .bearer_token(aws_smithy_runtime_api::client::identity::http::Token::new(key.expose(), None))
                .auth_scheme_preference([HTTP_BEARER_AUTH_SCHEME_ID]),
        }
    }};
}
pub(crate) use authenticate;

/// The Bedrock Runtime client, authenticating with `auth`, optionally sent to `endpoint`. It makes
/// one attempt per call: the core retries (deadline-aware, budgeted per target, with failover).
///
/// The SDK's stalled-stream protection is off: the core owns the time limits of a call
/// (`--upstream-timeout`, `--stream-idle-timeout`, which a caller can reason about), and the SDK's
/// guard would be a second, hidden one (a body under 1 byte/s for its grace period, 20 s in
/// aws-smithy-runtime-api 1.20, fails the call with an error the core cannot tell from a broken
/// connection). It also cost ~4% of the server's CPU per call, a throughput check wrapped around
/// every request and response body (docs/benchmarks.md). Measured: a stream whose first event
/// comes 21 s after its head completes with the guard on as well, so the guard does not cover
/// a slow first event; the CPU is the reason that stands.
pub fn bedrock(sdk_config: &SdkConfig, auth: &Auth, endpoint: Option<&str>) -> Result<Bedrock, String> {
    use aws_sdk_bedrockruntime::config::StalledStreamProtectionConfig;
    let region = sdk_config.region().map(|r| r.to_string()).unwrap_or_default();
    let builder = aws_sdk_bedrockruntime::config::Builder::from(sdk_config)
        .retry_config(RetryConfig::disabled())
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled());
    let mut builder = authenticate!(builder, auth);
    if let Some(endpoint) = endpoint {
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(format!("--bedrock-endpoint: {endpoint:?} is not an http(s) URL"));
        }
        builder = builder.endpoint_url(endpoint);
    }
    Ok(Bedrock::new(aws_sdk_bedrockruntime::Client::from_conf(builder.build()), region))
}
