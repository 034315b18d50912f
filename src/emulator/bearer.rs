//! Bedrock API keys: `Authorization: Bearer <key>` in place of a SigV4 signature, on Bedrock's
//! runtime and control plane. The emulator accepts its demo key; any other key gets Bedrock's 403.
//!
//! A bearer call names no region (SigV4's scope does): Bedrock serves it in the region of the
//! endpoint's host name, `bedrock-runtime.<region>.amazonaws.com`. Behind a loopback endpoint
//! there is no such name, and the call is served in us-east-1.

use super::answer::Fault;
use super::sigv4::Signer;
use http::HeaderMap;

/// The Bedrock API key the emulator always accepts: a long-term key's shape, `ABSK` and base64.
pub const DEMO_BEARER_TOKEN: &str = "ABSKZW11bGF0b3ItZGVtby1iZWRyb2NrLWFwaS1rZXk=";
/// What the request log shows for the caller of a bearer call (never the key).
pub const BEARER_CALLER: &str = "bearer";
/// Where a bearer call without a regional host name is served.
const DEFAULT_REGION: &str = "us-east-1";

/// The bearer token of a request, if it sent one.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// Checks a bearer token: the caller, as a signature check would name it.
pub fn verify(token: &str, headers: &HeaderMap) -> Result<Signer, Fault> {
    if token != DEMO_BEARER_TOKEN {
        // Bedrock's answer, as callers with an expired or mistyped key see it.
        return Err((
            403,
            "AccessDeniedException",
            "Authentication failed: Please make sure your API Key is valid.".to_owned(),
        ));
    }
    let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let region = host
        .split('.')
        .collect::<Vec<_>>()
        .windows(2)
        .find(|pair| pair[0] == "bedrock-runtime" || pair[0] == "bedrock")
        .map(|pair| pair[1].to_owned())
        .unwrap_or_else(|| DEFAULT_REGION.to_owned());
    Ok(Signer { access_key_id: BEARER_CALLER.to_owned(), region, session_token_sent: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_demo_key_is_accepted_in_the_hosts_region_and_others_are_refused() {
        let sent = headers(&[("authorization", &format!("Bearer {DEMO_BEARER_TOKEN}"))]);
        assert_eq!(token(&sent), Some(DEMO_BEARER_TOKEN));
        assert_eq!(verify(DEMO_BEARER_TOKEN, &sent).unwrap().region, "us-east-1");
        let regional = headers(&[("host", "bedrock-runtime.eu-west-1.amazonaws.com")]);
        assert_eq!(verify(DEMO_BEARER_TOKEN, &regional).unwrap().region, "eu-west-1");
        let fault = verify("ABSKbm90LXRoZS1rZXk=", &sent).unwrap_err();
        assert_eq!(
            (fault.0, fault.2.as_str()),
            (403, "Authentication failed: Please make sure your API Key is valid.")
        );
        assert_eq!(token(&headers(&[("authorization", "AWS4-HMAC-SHA256 Credential=...")])), None);
    }
}
