//! Verifies AWS SigV4 signatures the way Bedrock does: recompute the signature with the secret the
//! emulator holds for the access key, and compare. Bad credentials get Bedrock's own exceptions.

use super::answer::Fault;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http::HeaderMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A credential the emulator accepts.
#[derive(Clone)]
pub struct KnownCredential {
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token temporary credentials must present.
    pub session_token: Option<String>,
    /// When temporary credentials expire.
    pub expires: Option<SystemTime>,
    /// Whose they are: an IAM user or assumed-role ARN.
    pub principal_arn: String,
}

impl std::fmt::Debug for KnownCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KnownCredential(****)")
    }
}

/// Who signed a request that verified.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The access key id.
    pub access_key_id: String,
    /// The region in the credential scope.
    pub region: String,
    /// Whether an x-amz-security-token was sent.
    pub session_token_sent: bool,
}

/// Requests signed longer ago than this are rejected, as AWS does.
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// Verifies the request's signature against the known credentials.
pub fn verify(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    lookup: impl Fn(&str) -> Option<KnownCredential>,
) -> Result<Signer, Fault> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let missing = || (403, "MissingAuthenticationTokenException", "Missing Authentication Token".to_owned());
    let authorization = header("authorization").ok_or_else(missing)?;
    let fields = authorization.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        (
            400,
            "IncompleteSignatureException",
            "Authorization header requires AWS4-HMAC-SHA256 signing.".to_owned(),
        )
    })?;
    let field = |name: &str| {
        fields
            .split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
    };
    let incomplete = |what: &str| {
        (400, "IncompleteSignatureException", format!("Authorization header requires '{what}' parameter."))
    };
    let credential = field("Credential").ok_or_else(|| incomplete("Credential"))?;
    let signed_headers = field("SignedHeaders").ok_or_else(|| incomplete("SignedHeaders"))?;
    let signature = field("Signature").ok_or_else(|| incomplete("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, _date, region, service, "aws4_request"] = scope.as_slice() else {
        return Err(incomplete("Credential"));
    };

    let invalid_token = || {
        (
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.".to_owned(),
        )
    };
    let known = lookup(access_key_id).ok_or_else(invalid_token)?;
    let sent_token = header("x-amz-security-token");
    if known.session_token.as_deref() != sent_token {
        return Err(invalid_token());
    }
    if known.expires.is_some_and(|expires| expires < SystemTime::now()) {
        return Err((
            403,
            "ExpiredTokenException",
            "The security token included in the request is expired".to_owned(),
        ));
    }

    let amz_date = header("x-amz-date").ok_or_else(|| incomplete("X-Amz-Date"))?;
    let time = parse_amz_date(amz_date).ok_or_else(|| incomplete("X-Amz-Date"))?;
    let skew = SystemTime::now().duration_since(time).unwrap_or_else(|e| e.duration());
    if skew > MAX_CLOCK_SKEW {
        return Err((
            403,
            "InvalidSignatureException",
            "Signature expired: the request time is too far from the server time.".to_owned(),
        ));
    }

    // The signer adds x-amz-date and x-amz-security-token itself; pass the other signed headers.
    let mut signable_headers = Vec::new();
    for name in signed_headers.split(';') {
        if name == "x-amz-date" || name == "x-amz-security-token" {
            continue;
        }
        let value = header(name).ok_or_else(|| incomplete(name))?;
        signable_headers.push((name, value));
    }
    let identity = Credentials::new(
        *access_key_id,
        &known.secret_access_key,
        known.session_token.clone(),
        None,
        "emulator",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| incomplete(&e.to_string()))?
        .into();
    let request =
        SignableRequest::new(method, path_and_query, signable_headers.into_iter(), SignableBody::Bytes(body))
            .map_err(|e| incomplete(&e.to_string()))?;
    let expected = sign(request, &params).map_err(|e| incomplete(&e.to_string()))?;
    if !constant_time_eq(expected.signature().as_bytes(), signature.as_bytes()) {
        return Err((
            403,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret \
             Access Key and signing method. Consult the service documentation for details."
                .to_owned(),
        ));
    }
    Ok(Signer {
        access_key_id: (*access_key_id).to_owned(),
        region: (*region).to_owned(),
        session_token_sent: sent_token.is_some(),
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// `20261125T063000Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let digits = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    if text.len() != 16 || &text[8..9] != "T" || !text.ends_with('Z') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_parse() {
        let time = parse_amz_date("20240307T120000Z").unwrap();
        assert_eq!(time.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_709_812_800);
        assert!(parse_amz_date("2024-03-07").is_none());
    }

    /// Signs a request with the SDK's signer, then checks that verification accepts it and that a
    /// changed body or a wrong secret is rejected.
    #[test]
    fn verifies_real_signatures_and_rejects_tampering() {
        let body = br#"{"messages":[]}"#;
        let now = SystemTime::now();
        let identity = Credentials::new("AKIDTEST", "secret", None, None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("bedrock")
            .time(now)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
        let headers = [("content-type", "application/json"), ("host", "127.0.0.1:9")];
        let request =
            SignableRequest::new("POST", path, headers.into_iter(), SignableBody::Bytes(body)).unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(name, value.parse().unwrap());
        }
        for (name, value) in instructions.headers() {
            map.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        let known = |secret: &'static str| {
            move |id: &str| {
                (id == "AKIDTEST").then(|| KnownCredential {
                    secret_access_key: secret.into(),
                    session_token: None,
                    expires: None,
                    principal_arn: "arn:aws:iam::123456789012:user/test".into(),
                })
            }
        };
        assert_eq!(verify("POST", path, &map, body, known("secret")).unwrap().access_key_id, "AKIDTEST");
        assert_eq!(
            verify("POST", path, &map, b"{}", known("secret")).unwrap_err().1,
            "InvalidSignatureException"
        );
        assert_eq!(
            verify("POST", path, &map, body, known("other")).unwrap_err().1,
            "InvalidSignatureException"
        );
        assert_eq!(verify("POST", path, &map, body, |_| None).unwrap_err().1, "UnrecognizedClientException");
    }
}
