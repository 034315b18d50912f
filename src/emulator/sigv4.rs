//! Verifies AWS SigV4 signatures the way Bedrock does: rebuild the canonical request and the string
//! to sign, derive the signing key from the secret the emulator holds for the access key, and
//! compare signatures. This is the emulator's own implementation of AWS's published algorithm, not
//! the `aws-sigv4` crate the server's SDK signs with, so a bug in that crate fails here instead of
//! being repeated here; it is checked against AWS's SigV4 test suite (`sigv4_vectors/`) and against
//! the SDK's signatures. Bad credentials and malformed or mis-scoped signatures get the exceptions
//! AWS answers with.

use super::answer::Fault;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The signing name of Bedrock, runtime and control plane alike.
pub const BEDROCK: &str = "bedrock";
/// The signing name of STS.
pub const STS: &str = "sts";

/// The one signing algorithm accepted.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Requests signed further than this from the server's time are rejected, as AWS does.
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

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

/// What a signature covers, as a route has it.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path and query as sent, still percent-encoded.
    pub path_and_query: &'a str,
    /// The request URI's authority: HTTP/2 sends the host as `:authority`, which hyper puts in the
    /// URI rather than in a `host` header. Used as the host when there is no `host` header.
    pub authority: Option<&'a str>,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The body.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The request of a handler's method, URI, headers and body.
    pub fn new(method: &'a http::Method, uri: &'a http::Uri, headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            method: method.as_str(),
            path_and_query: uri.path_and_query().map_or(uri.path(), |p| p.as_str()),
            authority: uri.authority().map(|a| a.as_str()),
            headers,
            body,
        }
    }
}

/// Verifies the signature of a request to Bedrock (signing name `bedrock`) against the known
/// credentials. The host signed is the `host` header's. A shorthand for the tests: the routes
/// call [`verify_request`].
#[cfg(test)]
fn verify(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    lookup: impl Fn(&str) -> Option<KnownCredential>,
) -> Result<Signer, Fault> {
    let request = Request { method, path_and_query, authority: None, headers, body };
    verify_request_at(BEDROCK, &request, lookup, SystemTime::now())
}

/// Verifies the signature of a request to `service` (its signing name: [`BEDROCK`], [`STS`])
/// against the known credentials.
pub fn verify_request(
    service: &str,
    request: &Request<'_>,
    lookup: impl Fn(&str) -> Option<KnownCredential>,
) -> Result<Signer, Fault> {
    verify_request_at(service, request, lookup, SystemTime::now())
}

/// [`verify_request`] with the server's time `now`: the AWS test suite's vectors and the fuzz
/// target verify requests signed at a fixed moment.
pub fn verify_request_at(
    service: &str,
    request: &Request<'_>,
    lookup: impl Fn(&str) -> Option<KnownCredential>,
    now: SystemTime,
) -> Result<Signer, Fault> {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let authorization = header("authorization").ok_or_else(|| {
        (403, "MissingAuthenticationTokenException", "Missing Authentication Token".to_owned())
    })?;
    let auth = Authorization::parse(authorization)?;
    let amz_date = header("x-amz-date").ok_or_else(|| incomplete("X-Amz-Date"))?;
    let time = parse_amz_date(amz_date).ok_or_else(|| incomplete("X-Amz-Date"))?;

    if !auth.signed_headers.iter().any(|name| name == "host") {
        return Err((
            400,
            "IncompleteSignatureException",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
        ));
    }
    if auth.service != service {
        return Err(invalid_signature(format!(
            "Credential should be scoped to correct service: '{service}'. "
        )));
    }
    if !is_region(auth.region) {
        return Err(invalid_signature("Credential should be scoped to a valid region. ".to_owned()));
    }
    if amz_date.get(..8) != Some(auth.date) {
        return Err(invalid_signature(format!(
            "Credential should be scoped to a valid date: the scope's date '{}' is not the date of \
             X-Amz-Date '{amz_date}'.",
            auth.date
        )));
    }

    let invalid_token = || {
        (
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.".to_owned(),
        )
    };
    let known = lookup(auth.access_key_id).ok_or_else(invalid_token)?;
    let sent_token = header("x-amz-security-token");
    if known.session_token.as_deref() != sent_token {
        return Err(invalid_token());
    }
    if known.expires.is_some_and(|expires| expires < now) {
        return Err((
            403,
            "ExpiredTokenException",
            "The security token included in the request is expired".to_owned(),
        ));
    }
    check_clock_skew(amz_date, time, now)?;

    let mismatch = || {
        invalid_signature(
            "The request signature we calculated does not match the signature you provided. Check your AWS \
             Secret Access Key and signing method. Consult the service documentation for details."
                .to_owned(),
        )
    };
    // A payload hash the client declared (and signed) must be the body's.
    if header("x-amz-content-sha256").is_some_and(|declared| declared != hex(&Sha256::digest(request.body))) {
        return Err(mismatch());
    }
    let canonical = canonical_request(request, &auth.signed_headers);
    let to_sign = string_to_sign(amz_date, &auth.scope(), &canonical);
    let expected = signature(&known.secret_access_key, auth.date, auth.region, auth.service, &to_sign);
    let matches =
        expected.is_some_and(|expected| constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()));
    if !matches {
        return Err(mismatch());
    }
    Ok(Signer {
        access_key_id: auth.access_key_id.to_owned(),
        region: auth.region.to_owned(),
        session_token_sent: sent_token.is_some(),
    })
}

fn incomplete(what: &str) -> Fault {
    (400, "IncompleteSignatureException", format!("Authorization header requires '{what}' parameter."))
}

fn invalid_signature(message: String) -> Fault {
    (403, "InvalidSignatureException", message)
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`
/// header.
#[derive(Debug)]
struct Authorization<'a> {
    access_key_id: &'a str,
    /// The scope's date, `YYYYMMDD`.
    date: &'a str,
    region: &'a str,
    service: &'a str,
    /// Lower-case, sorted, without duplicates.
    signed_headers: Vec<String>,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    fn parse(header: &'a str) -> Result<Self, Fault> {
        let fields =
            header.strip_prefix(ALGORITHM).and_then(|rest| rest.strip_prefix(' ')).ok_or_else(|| {
                (
                    400,
                    "IncompleteSignatureException",
                    "Authorization header requires AWS4-HMAC-SHA256 signing.".to_owned(),
                )
            })?;
        let credential = auth_field(fields, "Credential").ok_or_else(|| incomplete("Credential"))?;
        let signed_headers =
            auth_field(fields, "SignedHeaders").ok_or_else(|| incomplete("SignedHeaders"))?;
        let signature = auth_field(fields, "Signature").ok_or_else(|| incomplete("Signature"))?;
        let scope: Vec<&'a str> = credential.split('/').collect();
        let &[access_key_id, date, region, service, "aws4_request"] = scope.as_slice() else {
            return Err(incomplete("Credential"));
        };
        Ok(Self {
            access_key_id,
            date,
            region,
            service,
            signed_headers: signed_header_names(signed_headers),
            signature,
        })
    }

    /// `date/region/service/aws4_request`.
    fn scope(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date, self.region, self.service)
    }
}

/// The value of `name=value` among the comma-separated fields of the Authorization header.
fn auth_field<'a>(fields: &'a str, name: &str) -> Option<&'a str> {
    fields
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
}

/// `SignedHeaders`' names: lower-case, sorted, once each.
fn signed_header_names(list: &str) -> Vec<String> {
    let mut names: Vec<String> =
        list.split(';').map(str::trim).filter(|n| !n.is_empty()).map(str::to_ascii_lowercase).collect();
    names.sort();
    names.dedup();
    names
}

/// The canonical request: method, canonical URI, canonical query string, canonical headers, signed
/// headers and payload hash, one per line, by the rules for services other than S3.
fn canonical_request(request: &Request<'_>, signed_headers: &[String]) -> String {
    let (path, query) = request.path_and_query.split_once('?').unwrap_or((request.path_and_query, ""));
    let mut canonical = format!("{}\n{}\n{}\n", request.method, canonical_uri(path), canonical_query(query));
    for name in signed_headers {
        let mut values: Vec<String> = request
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|value| canonical_value(&String::from_utf8_lossy(value.as_bytes())))
            .collect();
        if values.is_empty()
            && name == "host"
            && let Some(authority) = request.authority
        {
            values.push(canonical_value(authority));
        }
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(&values.join(","));
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(&signed_headers.join(";"));
    canonical.push('\n');
    canonical.push_str(&payload_hash(request));
    canonical
}

/// The path with `.`, `..` and empty segments removed (RFC 3986's dot-segment removal; a path
/// ending in `/`, `/.` or `/..` keeps a trailing slash), each segment URI-encoded as sent: the
/// path is percent-encoded already, so its `%` are encoded again (`%3A` becomes `%253A`).
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    let mut uri = String::with_capacity(path.len() + 1);
    for segment in &segments {
        uri.push('/');
        uri_encode(segment.as_bytes(), &mut uri);
    }
    let trailing_slash = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if uri.is_empty() || trailing_slash {
        uri.push('/');
    }
    uri
}

/// The query's parameters decoded, then each name and value URI-encoded, sorted by name then value
/// and joined with `&`; a parameter without `=` has an empty value.
fn canonical_query(query: &str) -> String {
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|param| !param.is_empty())
        .map(|param| {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            (encoded(&query_decode(name)), encoded(&query_decode(value)))
        })
        .collect();
    params.sort();
    let pairs: Vec<String> = params.into_iter().map(|(name, value)| format!("{name}={value}")).collect();
    pairs.join("&")
}

/// A header value trimmed, with inner runs of spaces and tabs made one space.
fn canonical_value(value: &str) -> String {
    value.split([' ', '\t']).filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The hex SHA-256 of the body, or the `x-amz-content-sha256` the client sent.
fn payload_hash(request: &Request<'_>) -> String {
    match request.headers.get("x-amz-content-sha256").and_then(|v| v.to_str().ok()) {
        Some(declared) => declared.trim().to_owned(),
        None => hex(&Sha256::digest(request.body)),
    }
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical_request.as_bytes())))
}

/// The hex signature of `string_to_sign` with the key derived from `secret` for the scope.
fn signature(secret: &str, date: &str, region: &str, service: &str, string_to_sign: &str) -> Option<String> {
    let mut key = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes())?;
    for part in [region, service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes())?;
    }
    Some(hex(&hmac_sha256(&key, string_to_sign.as_bytes())?))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Option<[u8; 32]> {
    // HMAC takes keys of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    Mac::update(&mut mac, data);
    Some(mac.finalize().into_bytes().into())
}

/// URI-encodes `bytes` onto `out`: everything but A-Z a-z 0-9 - _ . ~ as `%XX` (upper-case hex).
fn uri_encode(bytes: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

fn encoded(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    uri_encode(bytes, &mut out);
    out
}

/// A query name or value decoded: `%XX` as its byte, `+` as a space (as form encoding and the SDK's
/// signer read it); a `%` not followed by two hex digits stays as it is.
fn query_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (bytes.get(i + 1).and_then(hex_digit), bytes.get(i + 2).and_then(hex_digit)) {
                (Some(high), Some(low)) => {
                    out.push((high << 4) | low);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    out
}

fn hex_digit(byte: &u8) -> Option<u8> {
    char::from(*byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Whether `region` is shaped like an AWS region name: `us-east-1`, `eu-central-1`,
/// `us-gov-west-1`, `us-isob-east-1`: two letters, one to three words, a number.
fn is_region(region: &str) -> bool {
    fn word(part: &str) -> bool {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase())
    }
    let parts: Vec<&str> = region.split('-').collect();
    match parts.as_slice() {
        [area, words @ .., number] => {
            area.len() == 2
                && word(area)
                && (1..=3).contains(&words.len())
                && words.iter().copied().all(word)
                && (1..=2).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// Refuses a request time more than five minutes from `now`, with AWS's messages.
fn check_clock_skew(amz_date: &str, time: SystemTime, now: SystemTime) -> Result<(), Fault> {
    match now.duration_since(time) {
        Ok(behind) if behind > MAX_CLOCK_SKEW => Err(invalid_signature(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
            format_amz_date(now.checked_sub(MAX_CLOCK_SKEW).unwrap_or(UNIX_EPOCH)),
            format_amz_date(now)
        ))),
        Err(ahead) if ahead.duration() > MAX_CLOCK_SKEW => Err(invalid_signature(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
            format_amz_date(now.checked_add(MAX_CLOCK_SKEW).unwrap_or(now)),
            format_amz_date(now)
        ))),
        _ => Ok(()),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// `20261125T063000Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| decimal(bytes.get(range)?);
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
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

/// ASCII digits as a number.
fn decimal(digits: &[u8]) -> Option<i64> {
    let mut number = 0_i64;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return None;
        }
        number = number * 10 + i64::from(digit - b'0');
    }
    Some(number)
}

/// A time as `20261125T063000Z`.
fn format_amz_date(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, of_day) = (i64::try_from(seconds / 86_400).unwrap_or(0), seconds % 86_400);
    // The civil date of a day count (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", of_day / 3600, of_day % 3600 / 60, of_day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    use http::{HeaderName, HeaderValue};
    use std::path::Path;

    const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/emulator/sigv4_vectors");
    /// The secret of the test suite's AKIDEXAMPLE.
    const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn amz_dates_parse_and_format() {
        let time = parse_amz_date("20240307T120000Z").unwrap();
        assert_eq!(time.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_709_812_800);
        for text in ["20240307T120000Z", "20240229T235959Z", "20000101T000000Z", "20151231T235959Z"] {
            assert_eq!(format_amz_date(parse_amz_date(text).unwrap()), text);
        }
        assert_eq!(format_amz_date(UNIX_EPOCH), "19700101T000000Z");
        assert!(parse_amz_date("2024-03-07").is_none());
        assert!(parse_amz_date("20241307T120000Z").is_none());
        assert!(parse_amz_date("2024+307T120000Z").is_none());
        // 16 bytes with a multi-byte character where the `T` belongs: no panic, no date.
        assert!(parse_amz_date("20240307\u{1234}00000").is_none());
    }

    #[test]
    fn canonical_uris_are_normalised_and_encoded_twice() {
        assert_eq!(
            canonical_uri("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"),
            "/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse"
        );
        // smithy-rs's double-encode-path vector, whose canonical request file is for another date.
        assert_eq!(
            canonical_uri("/test/@connections/JBDvjfGEIAMCERw%3D"),
            "/test/%40connections/JBDvjfGEIAMCERw%253D"
        );
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a/b/.."), "/a/");
        assert_eq!(canonical_uri("/a/./b/../c"), "/a/c");
        assert_eq!(canonical_uri("/../a"), "/a");
        assert_eq!(canonical_uri("//a//b"), "/a/b");
    }

    #[test]
    fn canonical_queries_are_decoded_encoded_and_sorted() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a"), "a=&b=2");
        assert_eq!(canonical_query("a=2&a=1&&A=3"), "A=3&a=1&a=2");
        assert_eq!(canonical_query("x=a+b%20c"), "x=a%20b%20c");
        assert_eq!(canonical_query("k=%7e%2F%zz"), "k=~%2F%25zz");
        assert_eq!(canonical_query("maxResults=4&nextToken=4"), "maxResults=4&nextToken=4");
    }

    #[test]
    fn region_names_are_checked_for_shape() {
        for region in
            ["us-east-1", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "us-isob-east-1", "cn-north-1"]
        {
            assert!(is_region(region), "{region}");
        }
        for region in
            ["", "us", "us-east", "useast1", "US-EAST-1", "usa-east-1", "us-east-100", "us--1", "us-east-1-"]
        {
            assert!(!is_region(region), "{region}");
        }
    }

    /// A request of the suite's text format: request line, header lines (a line starting with
    /// whitespace continues the previous header), an empty line, the body.
    struct Parsed {
        method: String,
        target: String,
        headers: HeaderMap,
        body: Vec<u8>,
    }

    fn parse_http(text: &str) -> Parsed {
        let mut lines = text.split('\n');
        let request_line = lines.next().unwrap();
        let (method, rest) = request_line.split_once(' ').unwrap();
        let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                let last = fields.last_mut().unwrap();
                last.1.push(' ');
                last.1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').unwrap();
                fields.push((name.to_owned(), value.to_owned()));
            }
        }
        let body = lines.collect::<Vec<_>>().join("\n").into_bytes();
        let mut headers = HeaderMap::new();
        for (name, value) in fields {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        Parsed { method: method.to_owned(), target: target.to_owned(), headers, body }
    }

    /// The secret of the two vectors smithy-rs added, which have no context.json.
    fn secret_without_context(vector: &str) -> &'static str {
        match vector {
            "double-url-encode" => EXAMPLE_SECRET,
            "double-encode-path" => "notrealrnrELgWzOk3IfjzDKtFBhDby",
            other => panic!("{other}: no context.json"),
        }
    }

    fn check_vector(dir: &Path) {
        let name = dir.file_name().unwrap().to_str().unwrap();
        let expected = |file: &str| {
            std::fs::read_to_string(dir.join(file)).ok().map(|text| text.trim_end_matches('\n').to_owned())
        };
        let text = std::fs::read_to_string(dir.join("header-signed-request.txt")).unwrap();
        let parsed = parse_http(&text);
        let authorization = parsed.headers.get("authorization").unwrap().to_str().unwrap().trim();
        let auth = Authorization::parse(authorization).unwrap();
        let amz_date = parsed.headers.get("x-amz-date").unwrap().to_str().unwrap();
        let request = Request {
            method: &parsed.method,
            path_and_query: &parsed.target,
            authority: None,
            headers: &parsed.headers,
            body: &parsed.body,
        };

        let canonical = canonical_request(&request, &auth.signed_headers);
        if let Some(want) = expected("header-canonical-request.txt") {
            assert_eq!(canonical, want, "{name}: canonical request");
        }
        let to_sign = string_to_sign(amz_date, &auth.scope(), &canonical);
        if let Some(want) = expected("header-string-to-sign.txt") {
            assert_eq!(to_sign, want, "{name}: string to sign");
        }
        let context: Option<serde_json::Value> =
            expected("context.json").map(|text| serde_json::from_str(&text).unwrap());
        let (secret, token) = match &context {
            Some(context) => {
                let credentials = &context["credentials"];
                assert_eq!(credentials["access_key_id"], auth.access_key_id, "{name}");
                assert_eq!(context["region"], auth.region, "{name}");
                assert_eq!(context["service"], auth.service, "{name}");
                assert_eq!(context["normalize"], true, "{name}: only normalising vectors are kept");
                let timestamp = context["timestamp"].as_str().unwrap().replace(['-', ':'], "");
                assert_eq!(timestamp, amz_date, "{name}");
                (
                    credentials["secret_access_key"].as_str().unwrap().to_owned(),
                    credentials["token"].as_str().map(str::to_owned),
                )
            }
            None => (secret_without_context(name).to_owned(), None),
        };
        let computed = signature(&secret, auth.date, auth.region, auth.service, &to_sign).unwrap();
        if let Some(want) = expected("header-signature.txt") {
            assert_eq!(computed, want, "{name}: signature");
        }
        assert_eq!(computed, auth.signature, "{name}: the signed request's signature");

        let now = parse_amz_date(amz_date).unwrap();
        let lookup = |secret: String| {
            let token = token.clone();
            let id = auth.access_key_id.to_owned();
            move |key: &str| {
                (key == id).then(|| KnownCredential {
                    secret_access_key: secret.clone(),
                    session_token: token.clone(),
                    expires: None,
                    principal_arn: "arn:aws:iam::123456789012:user/test".into(),
                })
            }
        };
        let signer = verify_request_at(auth.service, &request, lookup(secret.clone()), now)
            .unwrap_or_else(|fault| panic!("{name}: {fault:?}"));
        assert_eq!(signer.access_key_id, auth.access_key_id, "{name}");
        assert_eq!(signer.region, auth.region, "{name}");

        let fault =
            verify_request_at(auth.service, &request, lookup("another secret".to_owned()), now).unwrap_err();
        assert_eq!(fault.1, "InvalidSignatureException", "{name}: another secret");
        let mut body = parsed.body.clone();
        body.push(b'!');
        let tampered = Request { body: &body, ..request };
        let fault = verify_request_at(auth.service, &tampered, lookup(secret), now).unwrap_err();
        assert_eq!(fault.1, "InvalidSignatureException", "{name}: another body");
    }

    /// Every vector of AWS's test suite kept in `sigv4_vectors/` (see its README): canonical
    /// request, string to sign and signature as AWS computes them, and the request accepted.
    #[test]
    fn aws_test_suite_vectors() {
        let mut dirs: Vec<_> = std::fs::read_dir(VECTORS)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir())
            .collect();
        dirs.sort();
        assert_eq!(dirs.len(), 33, "the vectors the README lists");
        for dir in &dirs {
            check_vector(dir);
        }
    }

    const PATH: &str = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
    const AMZ_DATE: &str = "20240307T120000Z";

    fn example_key(id: &str) -> Option<KnownCredential> {
        (id == "AKIDEXAMPLE").then(|| KnownCredential {
            secret_access_key: EXAMPLE_SECRET.into(),
            session_token: None,
            expires: None,
            principal_arn: "arn:aws:iam::123456789012:user/test".into(),
        })
    }

    /// Headers of a POST of `body` to PATH, signed at AMZ_DATE by this module's signer for
    /// `scope` (date, region, service), over the headers named in `signed`.
    fn sign_own(headers: &[(&str, &str)], scope: [&str; 3], signed: &str, body: &[u8]) -> HeaderMap {
        let [date, region, service] = scope;
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map.insert("x-amz-date", HeaderValue::from_static(AMZ_DATE));
        let names = signed_header_names(signed);
        let request = Request { method: "POST", path_and_query: PATH, authority: None, headers: &map, body };
        let scope = format!("{date}/{region}/{service}/aws4_request");
        let to_sign = string_to_sign(AMZ_DATE, &scope, &canonical_request(&request, &names));
        let signature = signature(EXAMPLE_SECRET, date, region, service, &to_sign).unwrap();
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders={}, Signature={signature}",
            names.join(";")
        );
        map.insert("authorization", HeaderValue::from_str(&authorization).unwrap());
        map
    }

    fn check_own(
        service: &str,
        headers: &HeaderMap,
        authority: Option<&str>,
        now: SystemTime,
    ) -> Result<Signer, Fault> {
        let request = Request { method: "POST", path_and_query: PATH, authority, headers, body: b"{}" };
        verify_request_at(service, &request, example_key, now)
    }

    const HOST: [(&str, &str); 2] = [("host", "127.0.0.1:9"), ("content-type", "application/json")];
    const SIGNED: &str = "content-type;host;x-amz-date";
    const SCOPE: [&str; 3] = ["20240307", "us-east-1", "bedrock"];

    #[test]
    fn the_scope_must_name_the_service_a_valid_region_and_the_request_date() {
        let now = parse_amz_date(AMZ_DATE).unwrap();
        let good = sign_own(&HOST, SCOPE, SIGNED, b"{}");
        assert_eq!(check_own(BEDROCK, &good, None, now).unwrap().region, "us-east-1");
        let invalid = |message: &str| -> Fault { (403, "InvalidSignatureException", message.to_owned()) };

        // A Bedrock signature sent to STS, and an STS signature sent to Bedrock.
        assert_eq!(
            check_own(STS, &good, None, now).unwrap_err(),
            invalid("Credential should be scoped to correct service: 'sts'. ")
        );
        let for_sts = sign_own(&HOST, ["20240307", "us-east-1", "sts"], SIGNED, b"{}");
        assert_eq!(
            check_own(BEDROCK, &for_sts, None, now).unwrap_err(),
            invalid("Credential should be scoped to correct service: 'bedrock'. ")
        );
        assert_eq!(check_own(STS, &for_sts, None, now).unwrap().access_key_id, "AKIDEXAMPLE");

        for region in ["moon-base-1", "US-EAST-1", "local"] {
            let headers = sign_own(&HOST, ["20240307", region, "bedrock"], SIGNED, b"{}");
            assert_eq!(
                check_own(BEDROCK, &headers, None, now).unwrap_err(),
                invalid("Credential should be scoped to a valid region. "),
                "{region}"
            );
        }

        let yesterday = sign_own(&HOST, ["20240306", "us-east-1", "bedrock"], SIGNED, b"{}");
        let fault = check_own(BEDROCK, &yesterday, None, now).unwrap_err();
        assert_eq!((fault.0, fault.1), (403, "InvalidSignatureException"));
        assert!(fault.2.starts_with("Credential should be scoped to a valid date: "), "{}", fault.2);
        assert!(fault.2.contains("20240306") && fault.2.contains(AMZ_DATE), "{}", fault.2);
    }

    #[test]
    fn the_host_must_be_signed_and_may_come_from_the_authority() {
        let now = parse_amz_date(AMZ_DATE).unwrap();
        let unsigned_host = sign_own(&HOST, SCOPE, "content-type;x-amz-date", b"{}");
        assert_eq!(
            check_own(BEDROCK, &unsigned_host, None, now).unwrap_err(),
            (
                400,
                "IncompleteSignatureException",
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned()
            )
        );

        // HTTP/2: no host header, the authority in the URI.
        let mut http2 = sign_own(&HOST, SCOPE, SIGNED, b"{}");
        http2.remove("host");
        assert!(check_own(BEDROCK, &http2, Some("127.0.0.1:9"), now).is_ok());
        for authority in [None, Some("127.0.0.1:10")] {
            assert_eq!(
                check_own(BEDROCK, &http2, authority, now).unwrap_err().1,
                "InvalidSignatureException",
                "{authority:?}"
            );
        }
        // The host header wins over the authority.
        let good = sign_own(&HOST, SCOPE, SIGNED, b"{}");
        assert!(check_own(BEDROCK, &good, Some("elsewhere:1"), now).is_ok());

        // Request::new takes the authority from an HTTP/2 request's URI.
        let uri: http::Uri = "http://127.0.0.1:9/model/m/converse?a=1".parse().unwrap();
        let method = http::Method::POST;
        let request = Request::new(&method, &uri, &http2, b"");
        assert_eq!(request.authority, Some("127.0.0.1:9"));
        assert_eq!(request.path_and_query, "/model/m/converse?a=1");
    }

    #[test]
    fn missing_parts_tokens_clock_skew_and_declared_payload_hashes() {
        let now = parse_amz_date(AMZ_DATE).unwrap();
        let good = sign_own(&HOST, SCOPE, SIGNED, b"{}");
        let minutes = |n: u64| Duration::from_secs(60 * n);

        assert_eq!(
            check_own(BEDROCK, &HeaderMap::new(), None, now).unwrap_err().1,
            "MissingAuthenticationTokenException"
        );
        let mut no_signature = good.clone();
        let authorization = good["authorization"].to_str().unwrap();
        let without = authorization.split(", Signature=").next().unwrap();
        no_signature.insert("authorization", HeaderValue::from_str(without).unwrap());
        assert_eq!(
            check_own(BEDROCK, &no_signature, None, now).unwrap_err(),
            (
                400,
                "IncompleteSignatureException",
                "Authorization header requires 'Signature' parameter.".to_owned()
            )
        );
        let mut no_date = good.clone();
        no_date.remove("x-amz-date");
        assert_eq!(check_own(BEDROCK, &no_date, None, now).unwrap_err().1, "IncompleteSignatureException");

        // Five minutes either way.
        assert!(check_own(BEDROCK, &good, None, now + minutes(5)).is_ok());
        assert!(check_own(BEDROCK, &good, None, now - minutes(5)).is_ok());
        assert_eq!(
            check_own(BEDROCK, &good, None, now + minutes(6)).unwrap_err().2,
            "Signature expired: 20240307T120000Z is now earlier than 20240307T120100Z \
             (20240307T120600Z - 5 min.)"
        );
        assert_eq!(
            check_own(BEDROCK, &good, None, now - minutes(6)).unwrap_err().2,
            "Signature not yet current: 20240307T120000Z is still later than 20240307T115900Z \
             (20240307T115400Z + 5 min.)"
        );

        // Session tokens: the known one must be sent; expired credentials are refused.
        let temporary = |expires: SystemTime| {
            move |id: &str| {
                example_key(id).map(|known| KnownCredential {
                    session_token: Some("the-token".into()),
                    expires: Some(expires),
                    ..known
                })
            }
        };
        let request =
            Request { method: "POST", path_and_query: PATH, authority: None, headers: &good, body: b"{}" };
        assert_eq!(
            verify_request_at(BEDROCK, &request, temporary(now + minutes(60)), now).unwrap_err().1,
            "UnrecognizedClientException"
        );
        let with_token = [HOST[0], HOST[1], ("x-amz-security-token", "the-token")];
        let signed = sign_own(&with_token, SCOPE, "content-type;host;x-amz-date;x-amz-security-token", b"{}");
        let request = Request { headers: &signed, ..request };
        let signer = verify_request_at(BEDROCK, &request, temporary(now + minutes(60)), now).unwrap();
        assert!(signer.session_token_sent);
        assert_eq!(
            verify_request_at(BEDROCK, &request, temporary(now - minutes(1)), now).unwrap_err().1,
            "ExpiredTokenException"
        );

        // A declared payload hash must be the body's, even though it is what is signed.
        let declared = hex(&Sha256::digest(b"{}"));
        let with_hash = [HOST[0], HOST[1], ("x-amz-content-sha256", declared.as_str())];
        let signed = sign_own(&with_hash, SCOPE, "content-type;host;x-amz-content-sha256;x-amz-date", b"{}");
        let request = Request { headers: &signed, ..request };
        assert!(verify_request_at(BEDROCK, &request, example_key, now).is_ok());
        let other_body = Request { body: b"{ }", ..request };
        assert_eq!(
            verify_request_at(BEDROCK, &other_body, example_key, now).unwrap_err().1,
            "InvalidSignatureException"
        );
    }

    /// Signs a request with the SDK's signer, then checks that verification accepts it and that a
    /// changed body or a wrong secret is rejected. The path's `%3A` is encoded twice by the SDK
    /// and by the verifier alike.
    #[test]
    fn verifies_real_signatures_and_rejects_tampering() {
        let body = br#"{"messages":[]}"#;
        let credentials = Credentials::new("AKIDTEST", "secret", None, None, "test");
        let path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
        let headers = [("content-type", "application/json"), ("host", "127.0.0.1:9")];
        let map = sdk_signed(credentials, "us-east-1", ("POST", path), &headers, body);
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

    /// The headers (`headers` and the signature's) of a request to Bedrock in `region` that the
    /// SDK's own signer signed now with `credentials`.
    fn sdk_signed(
        credentials: Credentials,
        region: &str,
        (method, path): (&str, &str),
        headers: &[(&'static str, &str)],
        body: &[u8],
    ) -> HeaderMap {
        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("bedrock")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let request =
            SignableRequest::new(method, path, headers.iter().copied(), SignableBody::Bytes(body)).unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().unwrap());
        }
        for (name, value) in instructions.headers() {
            map.insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        map
    }

    /// A control-plane GET with a query and a session token, signed by the SDK's signer.
    #[test]
    fn verifies_sdk_signed_queries_and_session_tokens() {
        let now = SystemTime::now();
        let credentials = Credentials::new("ASIATEST", "secret", Some("session-token".into()), None, "test");
        let path = "/inference-profiles?nextToken=4&maxResults=4&typeEquals=SYSTEM_DEFINED";
        let headers = [("host", "bedrock.eu-central-1.amazonaws.com")];
        let map = sdk_signed(credentials, "eu-central-1", ("GET", path), &headers, b"");
        let lookup = |id: &str| {
            (id == "ASIATEST").then(|| KnownCredential {
                secret_access_key: "secret".into(),
                session_token: Some("session-token".into()),
                expires: Some(now + Duration::from_secs(3600)),
                principal_arn: "arn:aws:sts::123456789012:assumed-role/r/s".into(),
            })
        };
        let request =
            Request { method: "GET", path_and_query: path, authority: None, headers: &map, body: b"" };
        let signer = verify_request(BEDROCK, &request, lookup).unwrap();
        assert_eq!(signer.region, "eu-central-1");
        assert!(signer.session_token_sent);
        assert_eq!(verify_request(STS, &request, lookup).unwrap_err().1, "InvalidSignatureException");
    }
}
