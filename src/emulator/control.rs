//! Bedrock's control plane, emulated for the model catalog: `GET /foundation-models` (the models
//! offered in the caller's region, from the SigV4 scope) and `GET /inference-profiles`, paginated
//! with `maxResults` / `nextToken` (default page: 4 profiles, so a catalog spans several pages).

use super::answer::Fault;
use super::{Emulator, Recorded, sigv4, world};
use crate::catalog::built_in::geography;
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
    let wanted_type = query.get("byInferenceType").map(String::as_str);
    let summaries: Vec<Value> = world::models()
        .filter(|m| m.regions.contains(&region.as_str()))
        .map(|m| {
            let inference = if m.on_demand { "ON_DEMAND" } else { "INFERENCE_PROFILE" };
            (m, inference)
        })
        .filter(|(_, inference)| wanted_type.is_none_or(|t| t == *inference))
        .map(|(m, inference)| {
            let mut inputs = vec!["TEXT"];
            if m.image_input {
                inputs.push("IMAGE");
            }
            json!({
                "modelArn": format!("arn:aws:bedrock:{region}::foundation-model/{}", m.id),
                "modelId": m.id,
                "modelName": m.name,
                "providerName": provider_name(m.provider),
                "inputModalities": inputs,
                "outputModalities": ["TEXT"],
                "responseStreamingSupported": true,
                "customizationsSupported": [],
                "inferenceTypesSupported": [inference],
                "modelLifecycle": { "status": "ACTIVE" },
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
    let all: Vec<Value> = world::models()
        .flat_map(|m| m.profiles.iter().map(move |prefix| (m, *prefix)))
        .filter(|(m, prefix)| m.profile_usable_from(prefix, &region))
        .map(|(m, prefix)| {
            let id = format!("{prefix}.{}", m.id);
            let member_regions: Vec<&str> =
                m.regions.iter().copied().filter(|r| prefix == "global" || geography(r) == Some(prefix)).collect();
            json!({
                "inferenceProfileName": format!("{} {}", prefix.to_ascii_uppercase(), m.name),
                "inferenceProfileArn": format!("arn:aws:bedrock:{region}:{account}:inference-profile/{id}"),
                "inferenceProfileId": id,
                "description": format!("Routes requests to {} across regions", m.name),
                "models": member_regions.iter().map(|r| json!({ "modelArn": format!("arn:aws:bedrock:{r}::foundation-model/{}", m.id) })).collect::<Vec<_>>(),
                "status": "ACTIVE",
                "type": "SYSTEM_DEFINED",
            })
        })
        .collect();
    let page = query.get("maxResults").and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_PAGE).max(1);
    let start: usize = query.get("nextToken").and_then(|t| t.parse().ok()).unwrap_or(0);
    let end = (start + page).min(all.len());
    let mut body = json!({ "inferenceProfileSummaries": all.get(start..end).unwrap_or_default() });
    if end < all.len() {
        body["nextToken"] = end.to_string().into();
    }
    Json(body).into_response()
}

/// Verifies the signature and records the call; returns the caller's region.
fn authorize(
    emulator: &Emulator,
    operation: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<String, Fault> {
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let signer = sigv4::verify(method.as_str(), path, headers, b"", |id| emulator.issuer.lookup(id));
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

fn provider_name(provider: &str) -> String {
    match provider {
        "ai21" => "AI21 Labs".to_owned(),
        "meta" => "Meta".to_owned(),
        other => {
            let mut name = other.to_owned();
            if let Some(first) = name.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            name
        }
    }
}
