//! Bedrock's control plane, emulated for the model catalog: `GET /foundation-models` (the models
//! offered in the caller's region, from the SigV4 scope, with `byProvider`, `byOutputModality`,
//! `byInferenceType` and `byCustomizationType` filters) and `GET /inference-profiles` (the
//! system-defined profiles callable from that region, with their member models per destination),
//! paginated with `maxResults` / `nextToken` (default page: 4 profiles, so a catalog spans several
//! pages). The facts come from the emulator's own table ([`world`]).

use super::answer::Fault;
use super::world::{self, SystemProfile};
use super::{Emulator, Recorded, sigv4};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const DEFAULT_PAGE: usize = 4;

/// `GET /foundation-models`.
pub async fn list_foundation_models(
    State(emulator): State<Arc<Emulator>>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let region = match authorize(&emulator, "ListFoundationModels", &method, &uri, &headers) {
        Ok(region) => region,
        Err(fault) => return super::routes::fault_response(fault),
    };
    let filter = |name: &str| query.get(name).map(String::as_str);
    let provider = filter("byProvider");
    let output = filter("byOutputModality");
    let inference = filter("byInferenceType");
    // No model here offers customization, so asking for any leaves nothing.
    let customization = filter("byCustomizationType");
    let summaries: Vec<Value> = world::offered_in(&region)
        .into_iter()
        .filter(|(model, _)| provider.is_none_or(|p| p.eq_ignore_ascii_case(model.provider)))
        .filter(|(model, _)| output.is_none_or(|o| model.output.iter().any(|m| m.eq_ignore_ascii_case(o))))
        .filter(|(_, served)| inference.is_none_or(|t| t == served.as_str()))
        .filter(|_| customization.is_none())
        .map(|(model, served)| {
            json!({
                "modelArn": model.arn_in(&region),
                "modelId": model.id,
                "modelName": model.name,
                "providerName": model.provider,
                "inputModalities": model.input,
                "outputModalities": model.output,
                "responseStreamingSupported": model.streaming,
                "customizationsSupported": [],
                "inferenceTypesSupported": [served.as_str()],
                "modelLifecycle": { "status": model.lifecycle.status() },
            })
        })
        .collect();
    Json(json!({ "modelSummaries": summaries })).into_response()
}

/// `GET /inference-profiles`.
pub async fn list_inference_profiles(
    State(emulator): State<Arc<Emulator>>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let region = match authorize(&emulator, "ListInferenceProfiles", &method, &uri, &headers) {
        Ok(region) => region,
        Err(fault) => return super::routes::fault_response(fault),
    };
    let account = &emulator.issuer.settings.account_id;
    // Application profiles are the caller's own: the emulator has none.
    let system_defined = query.get("type").is_none_or(|t| t == "SYSTEM_DEFINED");
    let profiles = if system_defined { world::profiles_usable_from(&region) } else { Vec::new() };
    let all: Vec<Value> = profiles
        .iter()
        .map(|profile| {
            let models: Vec<Value> =
                profile.member_arns(&region).into_iter().map(|arn| json!({ "modelArn": arn })).collect();
            json!({
                "inferenceProfileName": profile_name(profile),
                "inferenceProfileArn": profile.arn(&region, account),
                "inferenceProfileId": profile.id(),
                "description": profile_description(profile),
                "models": models,
                "status": "ACTIVE",
                "type": "SYSTEM_DEFINED",
            })
        })
        .collect();
    let page = query.get("maxResults").and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_PAGE).max(1);
    let start: usize = query.get("nextToken").and_then(|t| t.parse().ok()).unwrap_or(0);
    let end = start.saturating_add(page).min(all.len());
    let mut body = json!({ "inferenceProfileSummaries": all.get(start..end).unwrap_or_default() });
    if end < all.len() {
        body["nextToken"] = end.to_string().into();
    }
    Json(body).into_response()
}

/// The geography as profile names spell it: `US`, `EU`, `APAC`, `JP`, `AU`, `US-GOV`, `GLOBAL`.
fn geography_label(profile: &SystemProfile) -> String {
    profile.profile.prefix.to_ascii_uppercase()
}

/// `US Anthropic Claude Sonnet 4`, `US Nova Pro`, `US DeepSeek-R1`.
fn profile_name(profile: &SystemProfile) -> String {
    let model = profile.model;
    let label = geography_label(profile);
    if model.provider == "Amazon" || model.name.starts_with(model.provider) {
        format!("{label} {}", model.name)
    } else {
        format!("{label} {} {}", model.provider, model.name)
    }
}

fn profile_description(profile: &SystemProfile) -> String {
    let model = profile.model;
    if profile.profile.prefix == world::GLOBAL {
        format!("Routes requests to {} {} in commercial AWS Regions", model.provider, model.name)
    } else {
        format!(
            "Routes requests to {} {} in {} Regions",
            model.provider,
            model.name,
            geography_label(profile)
        )
    }
}

/// Verifies the signature and records the call; returns the caller's region.
fn authorize(
    emulator: &Emulator,
    operation: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<String, Fault> {
    let request = sigv4::Request::new(method, uri, headers, b"");
    let signer = emulator.authenticate(&request);
    let denied = emulator.issuer.settings.deny_control_plane;
    let outcome = match (&signer, denied) {
        (Err(fault), _) => format!("error:{}", fault.1),
        (Ok(_), true) => "error:AccessDeniedException".to_owned(),
        (Ok(_), false) => "ok".to_owned(),
    };
    emulator.record(Recorded {
        seq: 0,
        operation: format!("control:{operation}"),
        model_id: String::new(),
        access_key_id: signer.as_ref().ok().map(|s| s.access_key_id.clone()),
        region: signer.as_ref().ok().map(|s| s.region.clone()),
        session_token_sent: signer.as_ref().is_ok_and(|s| s.session_token_sent),
        outcome,
        body: json!({ "query": uri.query().unwrap_or_default() }),
    });
    match signer {
        Err(fault) => Err(fault),
        Ok(_) if denied => Err((
            403,
            "AccessDeniedException",
            format!(
                "User is not authorized to perform: bedrock:{operation} because no identity-based policy allows it"
            ),
        )),
        Ok(signer) => Ok(signer.region),
    }
}
