//! The platform credential endpoints the SDK's default chain calls on AWS compute, emulated:
//! EC2's IMDSv2 (`PUT /latest/api/token`, then the security-credentials paths with the token) and
//! the ECS/EKS container-credentials endpoint (`GET /container-credentials`, with the configured
//! authorization token). Both hand out temporary credentials the Bedrock side accepts.

use super::issuer::{Issued, timestamp};
use super::{Emulator, Recorded};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

/// The instance profile's role name.
pub const INSTANCE_ROLE: &str = "amazon-chat-instance-role";
/// The task role's name.
pub const TASK_ROLE: &str = "amazon-chat-task-role";

/// The header a token request states the token's lifetime in, and the token response echoes.
const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The longest lifetime EC2 gives a token: six hours.
const MAX_TTL_SECONDS: u64 = 21_600;
/// How many tokens are kept at once: the table cannot grow without bound.
const MAX_TOKENS: usize = 10_000;

/// `PUT /latest/api/token`: a session token for the metadata paths, valid for the requested TTL.
pub async fn imds_token(State(emulator): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    // As EC2: a token request that went through a proxy is refused, so a token cannot be obtained
    // from off the instance through a misconfigured forwarder.
    if headers.contains_key("x-forwarded-for") {
        return (StatusCode::FORBIDDEN, "Forbidden").into_response();
    }
    let Some(ttl) = token_ttl(headers.get(TTL_HEADER)) else {
        return (
            StatusCode::BAD_REQUEST,
            "x-aws-ec2-metadata-token-ttl-seconds must be a whole number of seconds from 1 to 21600",
        )
            .into_response();
    };
    let token = format!("imds-{}", uuid::Uuid::new_v4().simple());
    let now = Instant::now();
    {
        let mut tokens = emulator.imds_tokens.lock().unwrap_or_else(PoisonError::into_inner);
        insert_token(&mut tokens, token.clone(), now + ttl, now, MAX_TOKENS);
    }
    ([(TTL_HEADER, ttl.as_secs().to_string())], token).into_response()
}

/// The TTL a token request asks for, read as EC2 reads it: a whole number of seconds from 1 to
/// 21600; anything else (or no header) is refused.
fn token_ttl(header: Option<&HeaderValue>) -> Option<Duration> {
    let text = header?.to_str().ok()?.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = text.parse().ok()?;
    (1..=MAX_TTL_SECONDS).contains(&seconds).then_some(Duration::from_secs(seconds))
}

/// Keeps `token` until `expires`. Expired tokens are dropped first; when `capacity` tokens are
/// still kept, the ones expiring soonest (the oldest, for tokens of one TTL) make room.
fn insert_token(
    tokens: &mut HashMap<String, Instant>,
    token: String,
    expires: Instant,
    now: Instant,
    capacity: usize,
) {
    tokens.retain(|_, expiry| *expiry > now);
    while tokens.len() >= capacity.max(1) {
        let Some(soonest) = tokens.iter().min_by_key(|(_, expiry)| **expiry).map(|(t, _)| t.clone()) else {
            break;
        };
        tokens.remove(&soonest);
    }
    tokens.insert(token, expires);
}

/// Whether `token` was issued and is still valid at `now`.
fn token_valid(tokens: &HashMap<String, Instant>, token: &str, now: Instant) -> bool {
    tokens.get(token).is_some_and(|expires| now < *expires)
}

fn imds_authorised(emulator: &Emulator, headers: &HeaderMap) -> bool {
    let Some(token) = headers.get("x-aws-ec2-metadata-token").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let tokens = emulator.imds_tokens.lock().unwrap_or_else(PoisonError::into_inner);
    token_valid(&tokens, token, Instant::now())
}

/// `GET /latest/meta-data/iam/security-credentials/`: the role name.
pub async fn imds_role(State(emulator): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    if !imds_authorised(&emulator, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    INSTANCE_ROLE.into_response()
}

/// `GET /latest/meta-data/iam/security-credentials/{role}`: the role's credentials.
pub async fn imds_credentials(
    State(emulator): State<Arc<Emulator>>,
    Path(role): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !imds_authorised(&emulator, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if role != INSTANCE_ROLE {
        return StatusCode::NOT_FOUND.into_response();
    }
    let issued = issue_role(&emulator, INSTANCE_ROLE, "i-0emulator");
    record(&emulator, "imds:credentials", &issued);
    Json(credentials_json(&issued, true)).into_response()
}

/// `GET /container-credentials`: the task (or pod) role's credentials.
pub async fn container_credentials(State(emulator): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    if let Some(expected) = &emulator.issuer.settings.container_token {
        let presented = headers.get("authorization").and_then(|v| v.to_str().ok());
        if presented != Some(expected.expose()) {
            return (StatusCode::FORBIDDEN, "invalid authorization token").into_response();
        }
    }
    let issued = issue_role(&emulator, TASK_ROLE, "ecs-task");
    record(&emulator, "container:credentials", &issued);
    let mut body = credentials_json(&issued, false);
    body["RoleArn"] = format!("arn:aws:iam::{}:role/{TASK_ROLE}", emulator.issuer.settings.account_id).into();
    Json(body).into_response()
}

fn issue_role(emulator: &Emulator, role: &str, session: &str) -> Issued {
    let arn = format!("arn:aws:sts::{}:assumed-role/{role}/{session}", emulator.issuer.settings.account_id);
    emulator.issuer.issue(arn, None)
}

fn credentials_json(issued: &Issued, imds: bool) -> serde_json::Value {
    let mut body = serde_json::json!({
        "AccessKeyId": issued.access_key_id,
        "SecretAccessKey": issued.secret_access_key,
        "Token": issued.session_token,
        "Expiration": timestamp(issued.expiration),
    });
    if imds {
        body["Code"] = "Success".into();
        body["Type"] = "AWS-HMAC".into();
        body["LastUpdated"] = timestamp(std::time::SystemTime::now()).into();
    }
    body
}

fn record(emulator: &Emulator, operation: &str, issued: &Issued) {
    emulator.record(Recorded {
        seq: 0,
        operation: operation.to_owned(),
        model_id: String::new(),
        access_key_id: None,
        region: None,
        session_token_sent: false,
        outcome: "ok".to_owned(),
        body: serde_json::json!({ "issued_access_key_id": issued.access_key_id }),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_are_whole_seconds_from_one_to_six_hours() {
        let ttl = |text: &str| token_ttl(Some(&HeaderValue::from_str(text).unwrap()));
        assert_eq!(ttl("21600"), Some(Duration::from_secs(21_600)));
        assert_eq!(ttl("1"), Some(Duration::from_secs(1)));
        assert_eq!(ttl("60"), Some(Duration::from_secs(60)));
        for bad in ["0", "21601", "-1", "+60", "60.5", "", "sixty", "99999999999999999999999"] {
            assert_eq!(ttl(bad), None, "{bad:?}");
        }
        assert_eq!(token_ttl(None), None);
    }

    #[test]
    fn tokens_expire_and_the_table_is_bounded() {
        let now = Instant::now();
        let secs = Duration::from_secs;
        let mut tokens = HashMap::new();
        insert_token(&mut tokens, "a".into(), now + secs(10), now, 3);
        assert!(token_valid(&tokens, "a", now));
        assert!(token_valid(&tokens, "a", now + secs(9)));
        assert!(!token_valid(&tokens, "a", now + secs(10)), "expired at its TTL");
        assert!(!token_valid(&tokens, "unknown", now));

        // Expired tokens are dropped when another is issued.
        let later = now + secs(20);
        insert_token(&mut tokens, "b".into(), now + secs(100), later, 3);
        assert!(!tokens.contains_key("a"));
        insert_token(&mut tokens, "c".into(), now + secs(200), later, 3);
        insert_token(&mut tokens, "d".into(), now + secs(300), later, 3);
        assert_eq!(tokens.len(), 3);
        // Full: the token expiring soonest makes room.
        insert_token(&mut tokens, "e".into(), now + secs(400), later, 3);
        assert_eq!(tokens.len(), 3);
        assert!(!tokens.contains_key("b"));
        for token in ["c", "d", "e"] {
            assert!(token_valid(&tokens, token, later), "{token}");
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for &(name, value) in pairs {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers
    }

    #[tokio::test]
    async fn token_requests_and_token_checks_as_ec2_answers_them() {
        let emulator = Arc::new(Emulator::new());
        let put =
            |pairs: &[(&'static str, &'static str)]| imds_token(State(emulator.clone()), headers(pairs));
        assert_eq!(
            put(&[(TTL_HEADER, "21600"), ("x-forwarded-for", "192.0.2.1")]).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(put(&[]).await.status(), StatusCode::BAD_REQUEST);
        for ttl in ["0", "21601", "six hours"] {
            assert_eq!(put(&[(TTL_HEADER, ttl)]).await.status(), StatusCode::BAD_REQUEST, "{ttl}");
        }

        let response = put(&[(TTL_HEADER, "60")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[TTL_HEADER], "60");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let token = String::from_utf8(body.to_vec()).unwrap();

        let role = |token: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-aws-ec2-metadata-token", HeaderValue::from_str(token).unwrap());
            imds_role(State(emulator.clone()), headers)
        };
        assert_eq!(role(&token).await.status(), StatusCode::OK);
        assert_eq!(role("imds-unknown").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            imds_role(State(emulator.clone()), HeaderMap::new()).await.status(),
            StatusCode::UNAUTHORIZED
        );

        // The token's time is up.
        emulator.imds_tokens.lock().unwrap().insert(token.clone(), Instant::now());
        assert_eq!(role(&token).await.status(), StatusCode::UNAUTHORIZED);
    }
}
