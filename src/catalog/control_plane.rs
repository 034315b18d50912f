//! Reads a region's catalog from Bedrock's control plane: ListFoundationModels (text output) and
//! every page of ListInferenceProfiles, merged into one [`Snapshot`]. Facts the control plane does
//! not give (tool use, context window) come from the built-in table when it knows the model.

use super::built_in;
use super::snapshot::{Entry, Snapshot, Source};
use crate::bedrock::sdk::{Auth, authenticate};
use crate::proto::v1 as api;
use aws_config::SdkConfig;
use aws_sdk_bedrock::error::ProvideErrorMetadata;
use aws_sdk_bedrock::types::{InferenceProfileType, InferenceType, ModelModality};
use std::collections::BTreeMap;

/// Why a fetch failed.
#[derive(Debug, Clone)]
pub enum FetchError {
    /// No permission (bedrock:ListFoundationModels / ListInferenceProfiles).
    AccessDenied(String),
    /// Anything else (network, throttling): worth retrying.
    Other(String),
}

/// A control-plane client for one region.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    client: aws_sdk_bedrock::Client,
    region: String,
}

impl ControlPlane {
    /// A client for `region`, authenticating with `auth`, optionally sent to `endpoint`.
    pub fn new(sdk_config: &SdkConfig, auth: &Auth, endpoint: Option<&str>, region: &str) -> Self {
        let builder = aws_sdk_bedrock::config::Builder::from(sdk_config)
            .region(aws_sdk_bedrock::config::Region::new(region.to_owned()));
        let mut builder = authenticate!(builder, auth);
        if let Some(endpoint) = endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Self { client: aws_sdk_bedrock::Client::from_conf(builder.build()), region: region.to_owned() }
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Fetches the region's catalog.
    pub async fn fetch(&self) -> Result<Snapshot, FetchError> {
        let models = self
            .client
            .list_foundation_models()
            .by_output_modality(ModelModality::Text)
            .send()
            .await
            .map_err(classify)?
            .model_summaries
            .unwrap_or_default();
        let mut profiles = Vec::new();
        let mut pages = self
            .client
            .list_inference_profiles()
            .type_equals(InferenceProfileType::SystemDefined)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            profiles.extend(page.map_err(classify)?.inference_profile_summaries.unwrap_or_default());
        }

        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for summary in &models {
            let types = summary.inference_types_supported();
            let through_profiles = types.iter().any(|t| t.as_str() == "INFERENCE_PROFILE");
            if !types.contains(&InferenceType::OnDemand) && !through_profiles {
                continue; // provisioned-throughput-only models cannot be called here
            }
            let known = built_in::find(&summary.model_id);
            let model = api::Model {
                id: summary.model_id.clone(),
                object: "model".to_owned(),
                created: known.map(|k| k.created).unwrap_or_default(),
                owned_by: summary.provider_name().unwrap_or_default().to_ascii_lowercase(),
                name: summary.model_name().unwrap_or(&summary.model_id).to_owned(),
                capabilities: Some(api::ModelCapabilities {
                    streaming: summary.response_streaming_supported().unwrap_or(false),
                    tool_use: known.is_some_and(|k| k.tool_use),
                    image_input: summary.input_modalities().contains(&ModelModality::Image),
                    context_window: known.and_then(|k| k.context_window),
                }),
                inference_profile_ids: Vec::new(),
            };
            entries.insert(
                summary.model_id.clone(),
                Entry { model, on_demand: types.contains(&InferenceType::OnDemand) },
            );
        }
        for profile in &profiles {
            for member in &profile.models {
                let Some(model_id) =
                    member.model_arn().and_then(|arn| arn.split_once("foundation-model/")).map(|(_, id)| id)
                else {
                    continue;
                };
                if let Some(entry) = entries.get_mut(model_id)
                    && !entry.model.inference_profile_ids.contains(&profile.inference_profile_id)
                {
                    entry.model.inference_profile_ids.push(profile.inference_profile_id.clone());
                }
            }
        }
        Ok(Snapshot { source: Source::ControlPlane, models: entries })
    }
}

fn classify<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug + 'static>(
    error: aws_sdk_bedrock::error::SdkError<E, R>,
) -> FetchError {
    let text = crate::error::describe_chain(&error);
    match error.code() {
        Some("AccessDeniedException") => FetchError::AccessDenied(text),
        _ => FetchError::Other(text),
    }
}
