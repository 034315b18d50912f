//! The emulator's picture of Bedrock's models: the built-in table, plus models newer than it (which
//! only the emulated control plane lists, so tests can tell a live catalog from the built-in one).
//! It decides, per region, whether a model id, profile id or ARN can be invoked, as Bedrock does.

use crate::catalog::built_in::{self, Availability, ModelInfo};

/// Models the emulator serves that the built-in table does not know.
#[rustfmt::skip]
pub static NEWER: &[ModelInfo] = &[
    ModelInfo {
        id: "amazon.nova-premier-v1:0", name: "Nova Premier", provider: "amazon", created: 1745366400,
        tool_use: true, image_input: true, context_window: Some(1_000_000),
        profiles: &["us"], regions: &["us-east-1", "us-west-2"], on_demand: false,
    },
];

/// Every model.
pub fn models() -> impl Iterator<Item = &'static ModelInfo> {
    built_in::BUILT_IN.iter().chain(NEWER)
}

/// A model by id.
pub fn find(id: &str) -> Option<&'static ModelInfo> {
    models().find(|m| m.id == id)
}

/// Whether `model_id` can be invoked from `region`; the error is Bedrock's ValidationException text.
pub fn check_invocable(model_id: &str, region: &str) -> Result<(), String> {
    const INVALID: &str = "The provided model identifier is invalid.";
    if model_id.starts_with("arn:") {
        return match built_in::resolve(model_id) {
            Some(_) => Ok(()),
            None => Err(INVALID.to_owned()),
        };
    }
    if let Some(info) = find(model_id) {
        return match info.availability(region) {
            Availability::OnDemand => Ok(()),
            Availability::ProfileOnly(_) => Err(format!(
                "Invocation of model ID {model_id} with on-demand throughput isn\u{2019}t supported. Retry your request with \
                 the ID or ARN of an inference profile that contains this model."
            )),
            Availability::NotOffered => Err(INVALID.to_owned()),
        };
    }
    match model_id.split_once('.').and_then(|(prefix, base)| Some((prefix, find(base)?))) {
        Some((prefix, info)) if info.profile_usable_from(prefix, region) => Ok(()),
        _ => Err(INVALID.to_owned()),
    }
}

/// A model id without its inference-profile prefix, by the emulator's own list of prefixes.
pub fn base_model_id(model_id: &str) -> &str {
    match model_id.split_once('.') {
        Some((prefix, rest))
            if ["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"].contains(&prefix) =>
        {
            rest
        }
        _ => model_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_follows_region_and_profiles() {
        let opus = "anthropic.claude-3-opus-20240229-v1:0";
        assert!(check_invocable(opus, "us-east-1").is_ok());
        assert!(check_invocable(opus, "eu-central-1").unwrap_err().contains("identifier is invalid"));
        let sonnet4 = "anthropic.claude-sonnet-4-20250514-v1:0";
        assert!(check_invocable(sonnet4, "us-east-1").unwrap_err().contains("on-demand throughput"));
        assert!(check_invocable(&format!("eu.{sonnet4}"), "eu-central-1").is_ok());
        assert!(check_invocable(&format!("us.{sonnet4}"), "eu-central-1").is_err());
        assert!(check_invocable("us.amazon.nova-premier-v1:0", "us-west-2").is_ok());
        assert!(check_invocable("no-such-model", "us-east-1").is_err());
    }
}
