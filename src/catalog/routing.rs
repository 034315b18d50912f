//! Decides where a request goes: resolves aliases, enforces the allow-list, and when the home
//! region does not offer a model, uses its cross-region inference profile, else a fallback region,
//! else answers NOT_FOUND naming the region and where the model is available.

use super::built_in;
use super::models_file::{Defaults, ModelsFile};
use super::snapshot::Snapshot;
use crate::error::{Error, Result};

/// Fallback regions and their catalogs, in preference order.
pub type RegionSnapshots = Vec<(String, std::sync::Arc<Snapshot>)>;

/// Where to send a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The id to call: a model id, a profile id, or an ARN.
    pub model_id: String,
    /// The region to call, when not the home region.
    pub region: Option<String>,
    /// Defaults for this model's family.
    pub defaults: Defaults,
    /// Whether the catalog knows the model (metrics label it by id then; else `other`, so that
    /// ids from callers cannot grow the label set).
    pub known: bool,
}

/// The routing inputs: the home region's snapshot and the fallback regions' snapshots, in order.
pub struct Routing<'a> {
    /// The models file.
    pub file: &'a ModelsFile,
    /// The home region.
    pub home_region: &'a str,
    /// Its catalog.
    pub home: &'a Snapshot,
    /// Fallback regions and their catalogs, in preference order.
    pub fallbacks: &'a RegionSnapshots,
}

impl Routing<'_> {
    /// Routes a requested model id (or alias).
    pub fn route(&self, requested: &str) -> Result<Route> {
        if !self.file.allows(requested) {
            return Err(Error::model_not_found(
                "model",
                requested,
                format!("model {requested:?} is not enabled on this server (see the model list)"),
            ));
        }
        let id = self.file.resolve(requested);
        let defaults = self.file.defaults.get(family(id)).copied().unwrap_or_default();
        let direct = |model_id: &str, known: bool| {
            Ok(Route { model_id: model_id.to_owned(), region: None, defaults, known })
        };
        // ARNs and profile ids name exactly what to call.
        if id.starts_with("arn:") {
            return direct(id, false);
        }
        if super::features::is_profile_id(id) {
            let base = super::features::base_id(id);
            return direct(id, self.home.get(base).is_some() || built_in::find(base).is_some());
        }
        if let Some(callable) = self.home.callable_id(id, self.home_region) {
            return direct(&callable, true);
        }
        for (region, snapshot) in self.fallbacks {
            if let Some(callable) = snapshot.callable_id(id, region) {
                return Ok(Route { model_id: callable, region: Some(region.clone()), defaults, known: true });
            }
        }
        // A model no catalog knows may be newer than the catalog: let Bedrock decide.
        let Some(info) = built_in::find(id) else {
            let known_somewhere = self.fallbacks.iter().any(|(_, s)| s.get(id).is_some());
            return if known_somewhere { Err(self.not_offered(id, &[])) } else { direct(id, false) };
        };
        Err(self.not_offered(id, info.regions))
    }

    fn not_offered(&self, id: &str, regions: &[&str]) -> Error {
        let elsewhere = if regions.is_empty() {
            String::new()
        } else {
            format!("; it is available in {}", regions.join(", "))
        };
        let fallback = if self.fallbacks.is_empty() {
            " (configure fallback_regions in the models file to route there)".to_owned()
        } else {
            String::new()
        };
        Error::model_not_found(
            "model",
            id,
            format!(
                "model {id:?} is not offered in {} and no inference profile serves it there{elsewhere}{fallback}",
                self.home_region
            ),
        )
    }
}

/// The provider part of a model id (`anthropic` for `us.anthropic.claude...`).
pub fn family(id: &str) -> &str {
    let id = super::features::base_id(id);
    id.split('.').next().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::sync::Arc;

    const OPUS: &str = "anthropic.claude-3-opus-20240229-v1:0";
    const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

    fn route(region: &str, fallbacks: &[&str], file: &ModelsFile, requested: &str) -> Result<Route> {
        let home = Snapshot::built_in(region);
        let fallbacks: RegionSnapshots =
            fallbacks.iter().map(|r| (r.to_string(), Arc::new(Snapshot::built_in(r)))).collect();
        Routing { file, home_region: region, home: &home, fallbacks: &fallbacks }.route(requested)
    }

    #[test]
    fn models_offered_at_home_go_direct() {
        let r = route("eu-central-1", &[], &ModelsFile::default(), HAIKU).unwrap();
        assert_eq!((r.model_id.as_str(), r.region), (HAIKU, None));
    }

    #[test]
    fn profile_only_models_use_the_regions_profile() {
        let r = route("eu-central-1", &[], &ModelsFile::default(), "anthropic.claude-sonnet-4-20250514-v1:0")
            .unwrap();
        assert_eq!(r.model_id, "eu.anthropic.claude-sonnet-4-20250514-v1:0");
    }

    #[test]
    fn missing_models_go_to_a_fallback_region_or_are_not_found_with_where() {
        let r = route("eu-central-1", &["us-west-2"], &ModelsFile::default(), OPUS).unwrap();
        assert_eq!((r.model_id.as_str(), r.region.as_deref()), (OPUS, Some("us-west-2")));
        let err = route("eu-central-1", &[], &ModelsFile::default(), OPUS).unwrap_err();
        assert_eq!(err.kind, ErrorKind::ModelNotFound);
        assert!(
            err.message.contains("not offered in eu-central-1")
                && err.message.contains("us-east-1, us-west-2"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_models_pass_through_and_profiles_and_arns_are_kept() {
        assert_eq!(
            route("us-east-1", &[], &ModelsFile::default(), "anthropic.claude-99").unwrap().model_id,
            "anthropic.claude-99"
        );
        assert_eq!(route("us-east-1", &[], &ModelsFile::default(), "us.x.y").unwrap().model_id, "us.x.y");
    }

    #[test]
    fn aliases_allow_list_and_family_defaults() {
        let file = ModelsFile::parse(
            "allow = [\"fast\"]\n[aliases]\nfast = \"anthropic.claude-3-haiku-20240307-v1:0\"\n[defaults.anthropic]\nmax_tokens = 77",
        )
        .unwrap();
        let r = route("us-east-1", &[], &file, "fast").unwrap();
        assert_eq!((r.model_id.as_str(), r.defaults.max_tokens), (HAIKU, Some(77)));
        assert_eq!(route("us-east-1", &[], &file, OPUS).unwrap_err().kind, ErrorKind::ModelNotFound);
        assert_eq!(family("us.meta.llama3-1-70b-instruct-v1:0"), "meta");
    }
}
