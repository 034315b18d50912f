//! The platform credential endpoints the SDK's default chain calls on AWS compute, emulated:
//! EC2's IMDSv2 (`PUT /latest/api/token`, then the security-credentials paths with the token) and
//! the ECS/EKS container-credentials endpoint (`GET /container-credentials`, with the configured
//! authorization token). Both hand out temporary credentials the Bedrock side accepts.

use super::issuer::{Issued, timestamp};
use super::{Emulator, Recorded};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The instance profile's role name.
pub const INSTANCE_ROLE: &str = "amazon-chat-instance-role";
/// The task role's name.
pub const TASK_ROLE: &str = "amazon-chat-task-role";

/// `PUT /latest/api/token`.
pub async fn imds_token(State(emulator): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    let Some(ttl) = headers.get("x-aws-ec2-metadata-token-ttl-seconds").cloned() else {
        return (StatusCode::BAD_REQUEST, "missing x-aws-ec2-metadata-token-ttl-seconds").into_response();
    };
    let token = format!("imds-{}", uuid::Uuid::new_v4().simple());
    emulator.imds_tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(token.clone());
    ([("x-aws-ec2-metadata-token-ttl-seconds", ttl)], token).into_response()
}

fn imds_authorised(emulator: &Emulator, headers: &HeaderMap) -> bool {
    let token = headers.get("x-aws-ec2-metadata-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    emulator.imds_tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(token)
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
