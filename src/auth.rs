//! Client authentication by API key, for gRPC and REST alike: `authorization: Bearer <key>`.
//!
//! Keys are kept as SHA-256 digests and compared in constant time against every configured key,
//! so neither the comparison nor the key lengths leak through timing. Health checks and reflection
//! need no key (load balancers and grpcurl call them unauthenticated), nor does the OpenAPI document.

use crate::config::Secret;
use crate::error::{Error, ErrorKind};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Paths that never need a key.
const OPEN_PATH_PREFIXES: &[&str] = &[
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1.ServerReflection/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/health",
    "/ready",
    "/openapi.json",
];

/// The configured API keys. Empty means the server is open.
#[derive(Clone, Default)]
pub struct ApiKeys {
    digests: Vec<[u8; 32]>,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} configured)", self.digests.len())
    }
}

impl ApiKeys {
    /// Keeps the digests of `keys`.
    pub fn new(keys: &[Secret]) -> Self {
        Self { digests: keys.iter().map(|key| digest(key.expose())).collect() }
    }

    /// Whether no key is configured (every call is let through).
    pub fn is_open(&self) -> bool {
        self.digests.is_empty()
    }

    /// Whether `path` is exempt from authentication.
    pub fn is_open_path(path: &str) -> bool {
        OPEN_PATH_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
    }

    /// Checks an `authorization` header value.
    pub fn check(&self, authorization: Option<&str>) -> Result<(), Error> {
        if self.is_open() {
            return Ok(());
        }
        let Some(value) = authorization else {
            return Err(Error::new(
                ErrorKind::InvalidApiKey,
                "missing API key: send the header `authorization: Bearer <key>`",
            ));
        };
        let key = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .ok_or_else(|| {
                Error::new(ErrorKind::InvalidApiKey, "the authorization header must be `Bearer <key>`")
            })?;
        let presented = digest(key);
        // Compare against every key, without stopping early.
        let matched =
            self.digests.iter().fold(subtle::Choice::from(0), |found, known| found | known.ct_eq(&presented));
        if bool::from(matched) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::InvalidApiKey, "invalid API key"))
        }
    }
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> ApiKeys {
        ApiKeys::new(&[Secret::new("key-one".into()), Secret::new("key-two".into())])
    }

    #[test]
    fn accepts_any_configured_key_as_a_bearer_token() {
        assert!(keys().check(Some("Bearer key-one")).is_ok());
        assert!(keys().check(Some("bearer key-two")).is_ok());
    }

    #[test]
    fn rejects_missing_wrong_and_malformed_keys_as_unauthenticated() {
        for header in [None, Some("Bearer nope"), Some("key-one"), Some("Basic key-one")] {
            assert_eq!(keys().check(header).unwrap_err().kind, ErrorKind::InvalidApiKey, "{header:?}");
        }
    }

    #[test]
    fn no_keys_means_open() {
        assert!(ApiKeys::default().check(None).is_ok());
    }

    #[test]
    fn debug_never_shows_keys() {
        assert!(!format!("{:?}", keys()).contains("key-one"));
    }
}
