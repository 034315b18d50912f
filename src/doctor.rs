//! `amazon-chat doctor`: the authentication guide's debugging commands in one. It shows which
//! credential method resolved and why, the caller identity (STS GetCallerIdentity), the region,
//! when the credentials expire, and probes model access with a tiny Converse call. Each failure
//! prints the guide's matching troubleshooting advice; the exit status says whether all passed.

use crate::aws::Aws;
use crate::chat::{Chat, Timeouts};
use crate::config::{Config, CredentialMethod};
use crate::credentials::{self, advice};
use crate::progress::Progress;
use crate::proto::v1 as api;
use std::fmt::Write as _;
use std::time::Duration;

/// Runs the checks, writing a report; true when every check passed.
pub async fn run(config: &Config, model: &str, out: &mut String) -> bool {
    let _ = writeln!(out, "amazon-chat doctor");
    let progress = Progress::start("loading the AWS configuration");
    let connected = Aws::connect(config).await;
    progress.done();
    let aws = match connected {
        Ok(aws) => aws,
        Err(error) => {
            fail(out, "configuration", &error, None);
            return false;
        }
    };
    pass(out, "region", aws.region());
    pass(out, "credentials method", &aws.selection.to_string());

    let mut ok = true;
    if let Some(key) = &config.aws.bearer_token
        && aws.selection.method == CredentialMethod::BedrockApiKey
    {
        pass(out, "credentials", &format!("{} (sent as a bearer token)", api_key_kind(key.expose())));
        // A bearer key cannot call STS: the model probe below is what proves it.
        let _ = writeln!(out, "  skip caller identity: a Bedrock API key cannot call STS GetCallerIdentity");
    } else {
        let progress = Progress::start("asking STS who these credentials are");
        let identity = sigv4_identity(config, &aws, out).await;
        progress.done();
        match identity {
            None => return false,
            Some(agreed) => ok = agreed,
        }
    }

    let progress = Progress::start("fetching the model catalog");
    let fetched = aws.catalog(config).await;
    progress.done();
    let catalog = match fetched {
        Ok(catalog) => catalog,
        Err(error) => {
            fail(out, "models file", &error, None);
            return false;
        }
    };
    let timeouts = Timeouts { upstream: Duration::from_secs(30), stream_idle: Duration::from_secs(30) };
    let limiter = match crate::limits::Limiter::new(None).await {
        Ok(limiter) => limiter,
        Err(error) => {
            fail(out, "model access", &error, None);
            return false;
        }
    };
    let chat = Chat::new(
        aws.pool.clone(),
        catalog,
        timeouts,
        crate::chat::Policies { max_open_streams: 0, ..Default::default() },
        limiter,
        // One attempt: the probe reports what Bedrock says first.
        crate::chat::retry::RetryPolicy { max_attempts: 1, ..Default::default() },
    );
    let probe = api::ChatCompletionRequest {
        model: model.to_owned(),
        messages: vec![api::Message {
            role: "user".to_owned(),
            content: Some(api::message::Content::Text("Hi".to_owned())),
            ..Default::default()
        }],
        max_tokens: Some(10),
        ..Default::default()
    };
    let progress = Progress::start("probing model access with a tiny Converse call");
    let probed = chat.complete(probe, &crate::auth::Caller::anonymous()).await;
    progress.done();
    match probed {
        Ok((response, _served)) => {
            let tokens = response.usage.map(|u| u.total_tokens).unwrap_or_default();
            pass(out, "model access", &format!("{model} answered in {} ({tokens} tokens)", aws.region()));
        }
        Err(error) => {
            fail(out, "model access", &error.message, advice::for_bedrock(error.kind));
            ok = false;
        }
    }
    let _ = writeln!(out, "{}", if ok { "all checks passed" } else { "some checks failed" });
    ok
}

/// The SigV4 methods' checks: the credentials resolve, and STS says whose they are. `None` when
/// the credentials do not resolve (nothing else can work); else whether STS agreed.
async fn sigv4_identity(config: &Config, aws: &Aws, out: &mut String) -> Option<bool> {
    match credentials::try_resolve(&aws.credentials, config.credentials_timeout.max(Duration::from_secs(5)))
        .await
    {
        Ok(resolved) => {
            let expires = resolved
                .expiry()
                .map(|t| aws_smithy_types::DateTime::from(t).to_string())
                .unwrap_or_else(|| "never (long-term credentials)".to_owned());
            let kind = if resolved.session_token().is_some() { "temporary" } else { "long-term" };
            pass(
                out,
                "credentials",
                &format!("{kind}, access key {}, expire {expires}", mask(resolved.access_key_id())),
            );
        }
        Err(detail) => {
            fail(out, "credentials", &detail, Some(advice::for_resolution(aws.selection.method, &detail)));
            return None;
        }
    }

    let identity =
        tokio::time::timeout(Duration::from_secs(30), aws.sts().get_caller_identity().send()).await;
    let identity = identity
        .map_err(|_| "STS did not answer within 30s".to_owned())
        .and_then(|answer| answer.map_err(|e| crate::error::describe_chain(&e)));
    match identity {
        Ok(identity) => {
            let arn = identity.arn().unwrap_or("?");
            pass(out, "caller identity", &format!("account {}, {arn}", identity.account().unwrap_or("?")));
            Some(true)
        }
        Err(detail) => {
            fail(out, "caller identity", &detail, Some(advice::INVALID_CREDENTIALS));
            Some(false)
        }
    }
}

fn pass(out: &mut String, check: &str, detail: &str) {
    let _ = writeln!(out, "[ok]   {check}: {detail}");
}

fn fail(out: &mut String, check: &str, detail: &str, advice: Option<&str>) {
    let _ = writeln!(out, "[FAIL] {check}: {detail}");
    if let Some(advice) = advice {
        let _ = writeln!(out, "       fix: {advice}");
    }
}

/// What kind of Bedrock API key this is, by its prefix, without any of the secret part.
fn api_key_kind(key: &str) -> &'static str {
    if key.starts_with("ABSK") {
        "a long-term Bedrock API key (ABSK…)"
    } else if key.starts_with("bedrock-api-key-") {
        "a short-term Bedrock API key (bedrock-api-key-…)"
    } else {
        "a Bedrock API key of an unknown kind"
    }
}

/// `AKIA…WXYZ`: enough to tell keys apart, not the whole id. Counted in characters, not bytes: a
/// mistyped id may hold any Unicode, and slicing it by bytes would panic.
fn mask(access_key_id: &str) -> String {
    let chars: Vec<char> = access_key_id.chars().collect();
    match chars.len() {
        n if n > 8 => {
            let head: String = chars[..4].iter().collect();
            let tail: String = chars[n - 4..].iter().collect();
            format!("{head}…{tail}")
        }
        _ => "****".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_ids_by_characters_so_any_unicode_is_safe() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(mask("ÄKIAÉÉÉÉÉÉÉÉ€€€€"), "ÄKIA…€€€€");
        assert_eq!(mask("ééééééééé"), "éééé…éééé");
        assert_eq!(mask("short"), "****");
    }
}
