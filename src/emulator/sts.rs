//! STS as the emulator speaks it: `POST /` with a form body, the Query protocol's XML replies.
//! AssumeRole (signed; the ExternalId checked against the configured one), AssumeRoleWithWebIdentity
//! (unsigned; the token must be present) and GetCallerIdentity (signed).

use super::answer::Fault;
use super::issuer::{Issued, timestamp};
use super::{Emulator, Recorded, sigv4};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// `POST /`.
pub async fn handle(
    State(emulator): State<Arc<Emulator>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let action = params.get("Action").cloned().unwrap_or_default();
    let signer = if action == "AssumeRoleWithWebIdentity" {
        None
    } else {
        let request = sigv4::Request::new(&method, &uri, &headers, &body);
        match sigv4::verify_request(sigv4::STS, &request, |id| emulator.issuer.lookup(id)) {
            Ok(signer) => Some(signer),
            Err(fault) => return fail(&emulator, &action, None, &params, fault),
        }
    };
    let result = match action.as_str() {
        "AssumeRole" => {
            assume_role(&emulator, &params, signer.as_ref()).map(|(xml, issued)| (xml, Some(issued)))
        }
        "AssumeRoleWithWebIdentity" => {
            assume_role_with_web_identity(&emulator, &params).map(|(xml, issued)| (xml, Some(issued)))
        }
        "GetCallerIdentity" => get_caller_identity(&emulator, signer.as_ref()).map(|xml| (xml, None)),
        other => Err((400, "InvalidAction", format!("Could not find operation {other}"))),
    };
    match result {
        Ok((xml, issued)) => {
            let mut recorded_params = params.clone();
            if let Some(issued) = issued {
                recorded_params.insert("issued_access_key_id".to_owned(), issued);
            }
            record(&emulator, &action, signer.as_ref(), &recorded_params, "ok".to_owned());
            ([(header::CONTENT_TYPE, "text/xml")], xml).into_response()
        }
        Err(fault) => fail(&emulator, &action, signer.as_ref(), &params, fault),
    }
}

fn assume_role(
    emulator: &Emulator,
    params: &HashMap<String, String>,
    signer: Option<&sigv4::Signer>,
) -> Result<(String, String), Fault> {
    let (role_arn, session_name, duration) = role_request(params)?;
    let caller = signer
        .and_then(|s| emulator.issuer.lookup(&s.access_key_id))
        .map(|c| c.principal_arn)
        .unwrap_or_default();
    if let Some(required) = &emulator.issuer.settings.required_external_id
        && params.get("ExternalId") != Some(required)
    {
        return Err((
            403,
            "AccessDenied",
            format!("User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"),
        ));
    }
    let (assumed_arn, role_id) = assumed_role(&role_arn, &session_name)?;
    let issued = emulator.issuer.issue(assumed_arn.clone(), duration);
    Ok((role_response("AssumeRole", &issued, &assumed_arn, &role_id, ""), issued.access_key_id))
}

fn assume_role_with_web_identity(
    emulator: &Emulator,
    params: &HashMap<String, String>,
) -> Result<(String, String), Fault> {
    let (role_arn, session_name, duration) = role_request(params)?;
    let token = params.get("WebIdentityToken").map(|t| t.trim()).unwrap_or_default();
    if token.is_empty() {
        return Err((400, "InvalidIdentityToken", "The web identity token is missing or empty.".to_owned()));
    }
    let (assumed_arn, role_id) = assumed_role(&role_arn, &session_name)?;
    let issued = emulator.issuer.issue(assumed_arn.clone(), duration);
    let extra = "<SubjectFromWebIdentityToken>system:serviceaccount:default:amazon-chat</SubjectFromWebIdentityToken>";
    Ok((
        role_response("AssumeRoleWithWebIdentity", &issued, &assumed_arn, &role_id, extra),
        issued.access_key_id,
    ))
}

fn get_caller_identity(emulator: &Emulator, signer: Option<&sigv4::Signer>) -> Result<String, Fault> {
    let signer =
        signer.ok_or((403, "MissingAuthenticationToken", "Missing Authentication Token".to_owned()))?;
    let arn = emulator.issuer.lookup(&signer.access_key_id).map(|c| c.principal_arn).unwrap_or_default();
    let account = &emulator.issuer.settings.account_id;
    Ok(format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
         <Arn>{}</Arn><UserId>{}</UserId><Account>{account}</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
        escape(&arn),
        escape(&signer.access_key_id),
        uuid::Uuid::new_v4()
    ))
}

/// RoleArn, RoleSessionName and DurationSeconds, validated as STS does.
fn role_request(params: &HashMap<String, String>) -> Result<(String, String, Option<Duration>), Fault> {
    let invalid = |message: String| (400, "ValidationError", message);
    let role_arn = params.get("RoleArn").cloned().unwrap_or_default();
    let session_name = params.get("RoleSessionName").cloned().unwrap_or_default();
    if session_name.is_empty() || session_name.len() > 64 {
        return Err(invalid(
            "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint".into(),
        ));
    }
    let duration = match params.get("DurationSeconds") {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(seconds) if (900..=43200).contains(&seconds) => Some(Duration::from_secs(seconds)),
            _ => return Err(invalid(format!("The requested DurationSeconds {text} is outside 900..43200"))),
        },
    };
    Ok((role_arn, session_name, duration))
}

/// The assumed-role ARN and role id for `arn:aws:iam::<account>:role/<name>`.
fn assumed_role(role_arn: &str, session: &str) -> Result<(String, String), Fault> {
    let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
    let (account, name) = match parts.as_slice() {
        ["arn", _, "iam", "", account, resource] if account.len() == 12 => {
            (account.to_string(), resource.strip_prefix("role/").unwrap_or_default().to_owned())
        }
        _ => ("".to_owned(), String::new()),
    };
    if name.is_empty() {
        return Err((400, "ValidationError", format!("{role_arn:?} is not a valid role ARN")));
    }
    Ok((
        format!("arn:aws:sts::{account}:assumed-role/{name}/{session}"),
        format!("AROAEMULATOR{}:{session}", name.len()),
    ))
}

fn role_response(action: &str, issued: &Issued, assumed_arn: &str, role_id: &str, extra: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>{extra}\
         <AssumedRoleUser><AssumedRoleId>{}</AssumedRoleId><Arn>{}</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey>\
         <SessionToken>{}</SessionToken><Expiration>{}</Expiration></Credentials>\
         </{action}Result><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
        escape(role_id),
        escape(assumed_arn),
        issued.access_key_id,
        issued.secret_access_key,
        issued.session_token,
        timestamp(issued.expiration),
        uuid::Uuid::new_v4()
    )
}

fn fail(
    emulator: &Emulator,
    action: &str,
    signer: Option<&sigv4::Signer>,
    params: &HashMap<String, String>,
    fault: Fault,
) -> Response {
    record(emulator, action, signer, params, format!("error:{}", fault.1));
    let (status, code, message) = fault;
    let xml = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
         <Code>{code}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
        escape(&message),
        uuid::Uuid::new_v4()
    );
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CONTENT_TYPE, "text/xml")], xml).into_response()
}

/// Records the call; the web identity token itself is not kept, only its length.
fn record(
    emulator: &Emulator,
    action: &str,
    signer: Option<&sigv4::Signer>,
    params: &HashMap<String, String>,
    outcome: String,
) {
    let mut body: serde_json::Map<String, serde_json::Value> =
        params.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    if let Some(token) = params.get("WebIdentityToken") {
        body.insert("WebIdentityToken".into(), format!("<{} bytes>", token.len()).into());
    }
    emulator.record(Recorded {
        seq: 0,
        operation: format!("sts:{action}"),
        model_id: String::new(),
        access_key_id: signer.map(|s| s.access_key_id.clone()),
        region: signer.map(|s| s.region.clone()),
        session_token_sent: signer.is_some_and(|s| s.session_token_sent),
        outcome,
        body: serde_json::Value::Object(body),
    });
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
