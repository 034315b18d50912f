//! One region's catalog at one moment: which models can be called from the region, how (on demand
//! or through which profiles), and what they can do.

use super::built_in::{self, Availability};
use crate::proto::v1 as api;
use std::collections::BTreeMap;

/// Where a snapshot came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Bedrock's control plane (ListFoundationModels + ListInferenceProfiles).
    ControlPlane,
    /// The built-in table (no control-plane permission, or not fetched yet).
    BuiltIn,
}

/// A model callable from the region.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The model as the API describes it; `inference_profile_ids` are those usable from the region.
    pub model: api::Model,
    /// Whether the plain id can be invoked.
    pub on_demand: bool,
}

/// A region's catalog.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Where it came from.
    pub source: Source,
    /// Model id -> entry.
    pub models: BTreeMap<String, Entry>,
}

impl Snapshot {
    /// The built-in table, as seen from `region`.
    pub fn built_in(region: &str) -> Snapshot {
        let models = built_in::BUILT_IN
            .iter()
            .filter_map(|info| match info.availability(region) {
                Availability::NotOffered => None,
                availability => Some((
                    info.id.to_owned(),
                    Entry {
                        model: info.to_proto_in(region),
                        on_demand: availability == Availability::OnDemand,
                    },
                )),
            })
            .collect();
        Snapshot { source: Source::BuiltIn, models }
    }

    /// The entry for a model id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.models.get(id)
    }

    /// The id to call for `id` from this region: itself on demand, else a profile (the region's
    /// geography first, then `global`), else none.
    pub fn callable_id(&self, id: &str, region: &str) -> Option<String> {
        let entry = self.get(id)?;
        if entry.on_demand {
            return Some(id.to_owned());
        }
        let profiles = &entry.model.inference_profile_ids;
        let local = built_in::geography(region).map(|prefix| format!("{prefix}.{id}"));
        local
            .filter(|profile| profiles.contains(profile))
            .or_else(|| profiles.iter().find(|p| p.starts_with("global.")).cloned())
            .or_else(|| profiles.first().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_snapshots_follow_region_availability() {
        let frankfurt = Snapshot::built_in("eu-central-1");
        assert!(frankfurt.get("anthropic.claude-3-haiku-20240307-v1:0").is_some());
        assert!(frankfurt.get("anthropic.claude-3-opus-20240229-v1:0").is_none(), "Opus is US-only");
        let sonnet4 = "anthropic.claude-sonnet-4-20250514-v1:0";
        assert_eq!(
            frankfurt.callable_id(sonnet4, "eu-central-1").as_deref(),
            Some("eu.anthropic.claude-sonnet-4-20250514-v1:0")
        );
        let virginia = Snapshot::built_in("us-east-1");
        assert_eq!(
            virginia.callable_id("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1").as_deref(),
            Some("anthropic.claude-3-haiku-20240307-v1:0")
        );
    }
}
