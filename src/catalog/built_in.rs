//! The built-in model table: ids, providers, capabilities, the regions that offer each model, whether
//! it can be invoked on demand or only through cross-region inference profiles, and which profiles
//! serve it.
//!
//! It is the server's fallback catalog when the Bedrock control plane cannot be read (no
//! `bedrock:ListFoundationModels` permission). The emulator keeps its own table
//! (`emulator/models.rs`), so a mistake here shows up as a test the emulator fails rather than
//! one it shares. The regions follow the authentication guide's availability table (Claude 3
//! Opus: us-east-1 and us-west-2 only).

use crate::proto::v1::{Model, ModelCapabilities};

/// One known foundation model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    /// The Bedrock model id.
    pub id: &'static str,
    /// A human-readable name.
    pub name: &'static str,
    /// The provider, as OpenAI's `owned_by`.
    pub provider: &'static str,
    /// Release date, Unix seconds (0 when unknown).
    pub created: i64,
    /// Whether the model can call tools through Converse.
    pub tool_use: bool,
    /// Whether the model accepts images.
    pub image_input: bool,
    /// Context window in tokens.
    pub context_window: Option<u32>,
    /// Cross-region inference profile prefixes that serve it (`us`, `eu`, `apac`, `global`).
    pub profiles: &'static [&'static str],
    /// Regions that offer it (on demand, or through a profile when `on_demand` is false).
    pub regions: &'static [&'static str],
    /// Whether the plain model id can be invoked; newer models are served only through profiles.
    pub on_demand: bool,
}

impl ModelInfo {
    /// The model as the API describes it, with the profiles usable from `region`.
    pub fn to_proto_in(&self, region: &str) -> Model {
        let mut model = self.to_proto();
        model.inference_profile_ids.retain(|id| {
            id.split_once('.').is_some_and(|(prefix, _)| self.profile_usable_from(prefix, region))
        });
        model
    }

    /// The model as the API describes it.
    pub fn to_proto(&self) -> Model {
        Model {
            id: self.id.to_owned(),
            object: "model".to_owned(),
            created: self.created,
            owned_by: self.provider.to_owned(),
            name: self.name.to_owned(),
            capabilities: Some(ModelCapabilities {
                streaming: true,
                tool_use: self.tool_use,
                image_input: self.image_input,
                context_window: self.context_window,
            }),
            inference_profile_ids: self
                .profiles
                .iter()
                .map(|prefix| format!("{prefix}.{}", self.id))
                .collect(),
        }
    }
}

const fn model(
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    created: i64,
    (tool_use, image_input): (bool, bool),
    context_window: u32,
    (profiles, regions, on_demand): (&'static [&'static str], &'static [&'static str], bool),
) -> ModelInfo {
    ModelInfo {
        id,
        name,
        provider,
        created,
        tool_use,
        image_input,
        context_window: Some(context_window),
        profiles,
        regions,
        on_demand,
    }
}

const TOOLS_AND_IMAGES: (bool, bool) = (true, true);
const TOOLS: (bool, bool) = (true, false);
const TEXT_ONLY: (bool, bool) = (false, false);
const US: &[&str] = &["us"];
const US_EU: &[&str] = &["us", "eu"];
const US_EU_APAC: &[&str] = &["us", "eu", "apac"];
const EVERYWHERE: &[&str] = &["us", "eu", "apac", "global"];
const US_GLOBAL: &[&str] = &["us", "global"];
const NO_PROFILES: &[&str] = &[];

/// The regions of the authentication guide.
pub const GUIDE_REGIONS: &[&str] =
    &["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-1", "ap-northeast-1"];
const US_REGIONS: &[&str] = &["us-east-1", "us-west-2"];
const US_EU_REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-central-1"];

/// Served on demand in these regions, and through these profiles.
const fn on_demand(
    profiles: &'static [&'static str],
    regions: &'static [&'static str],
) -> (&'static [&'static str], &'static [&'static str], bool) {
    (profiles, regions, true)
}

/// Served only through these profiles, from these regions.
const fn profile_only(
    profiles: &'static [&'static str],
    regions: &'static [&'static str],
) -> (&'static [&'static str], &'static [&'static str], bool) {
    (profiles, regions, false)
}

/// The built-in catalog, sorted by id.
#[rustfmt::skip]
pub static BUILT_IN: &[ModelInfo] = &[
    model("ai21.jamba-1-5-large-v1:0", "Jamba 1.5 Large", "ai21", 1724112000, TOOLS, 256_000, on_demand(NO_PROFILES, US_REGIONS)),
    model("amazon.nova-2-lite-v1:0", "Nova 2 Lite", "amazon", 1764633600, TOOLS_AND_IMAGES, 1_000_000, profile_only(US_GLOBAL, US_REGIONS)),
    model("amazon.nova-lite-v1:0", "Nova Lite", "amazon", 1733184000, TOOLS_AND_IMAGES, 300_000, on_demand(US_EU_APAC, GUIDE_REGIONS)),
    model("amazon.nova-micro-v1:0", "Nova Micro", "amazon", 1733184000, TOOLS, 128_000, on_demand(US_EU_APAC, GUIDE_REGIONS)),
    model("amazon.nova-pro-v1:0", "Nova Pro", "amazon", 1733184000, TOOLS_AND_IMAGES, 300_000, on_demand(US_EU_APAC, GUIDE_REGIONS)),
    model("amazon.titan-text-express-v1", "Titan Text G1 - Express", "amazon", 1701302400, TEXT_ONLY, 8_192, on_demand(NO_PROFILES, GUIDE_REGIONS)),
    model("amazon.titan-text-lite-v1", "Titan Text G1 - Lite", "amazon", 1701302400, TEXT_ONLY, 4_096, on_demand(NO_PROFILES, US_REGIONS)),
    model("anthropic.claude-3-5-haiku-20241022-v1:0", "Claude 3.5 Haiku", "anthropic", 1729555200, TOOLS, 200_000, profile_only(US, US_REGIONS)),
    model("anthropic.claude-3-5-sonnet-20240620-v1:0", "Claude 3.5 Sonnet", "anthropic", 1718841600, TOOLS_AND_IMAGES, 200_000, on_demand(US_EU_APAC, GUIDE_REGIONS)),
    model("anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "anthropic", 1729555200, TOOLS_AND_IMAGES, 200_000, profile_only(US, US_REGIONS)),
    model("anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet", "anthropic", 1739923200, TOOLS_AND_IMAGES, 200_000, profile_only(US_EU, US_EU_REGIONS)),
    model("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "anthropic", 1709769600, TOOLS_AND_IMAGES, 200_000, on_demand(US_EU_APAC, GUIDE_REGIONS)),
    model("anthropic.claude-3-opus-20240229-v1:0", "Claude 3 Opus", "anthropic", 1709164800, TOOLS_AND_IMAGES, 200_000, on_demand(US, US_REGIONS)),
    model("anthropic.claude-3-sonnet-20240229-v1:0", "Claude 3 Sonnet", "anthropic", 1709164800, TOOLS_AND_IMAGES, 200_000, on_demand(US_EU_APAC, GUIDE_REGIONS)),
    model("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5", "anthropic", 1759276800, TOOLS_AND_IMAGES, 200_000, profile_only(EVERYWHERE, GUIDE_REGIONS)),
    model("anthropic.claude-opus-4-6-v1", "Claude Opus 4.6", "anthropic", 1770249600, TOOLS_AND_IMAGES, 200_000, profile_only(EVERYWHERE, GUIDE_REGIONS)),
    model("anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4", "anthropic", 1747180800, TOOLS_AND_IMAGES, 200_000, profile_only(EVERYWHERE, GUIDE_REGIONS)),
    model("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "anthropic", 1759104000, TOOLS_AND_IMAGES, 200_000, profile_only(EVERYWHERE, GUIDE_REGIONS)),
    model("cohere.command-r-plus-v1:0", "Command R+", "cohere", 1712016000, TOOLS, 128_000, on_demand(NO_PROFILES, US_REGIONS)),
    model("cohere.command-r-v1:0", "Command R", "cohere", 1712016000, TOOLS, 128_000, on_demand(NO_PROFILES, US_REGIONS)),
    model("deepseek.r1-v1:0", "DeepSeek-R1", "deepseek", 1741564800, TEXT_ONLY, 128_000, profile_only(US, US_REGIONS)),
    model("meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B Instruct", "meta", 1721692800, TOOLS, 128_000, profile_only(US, US_REGIONS)),
    model("meta.llama3-70b-instruct-v1:0", "Llama 3 70B Instruct", "meta", 1713398400, TEXT_ONLY, 8_192, on_demand(NO_PROFILES, US_REGIONS)),
    model("meta.llama3-8b-instruct-v1:0", "Llama 3 8B Instruct", "meta", 1713398400, TEXT_ONLY, 8_192, on_demand(NO_PROFILES, US_REGIONS)),
    model("mistral.mistral-7b-instruct-v0:2", "Mistral 7B Instruct", "mistral", 1709164800, TEXT_ONLY, 32_000, on_demand(NO_PROFILES, US_EU_REGIONS)),
    model("mistral.mistral-large-2402-v1:0", "Mistral Large (24.02)", "mistral", 1709164800, TOOLS, 32_000, on_demand(NO_PROFILES, US_EU_REGIONS)),
    model("openai.gpt-oss-120b-1:0", "gpt-oss-120b", "openai", 1754352000, TOOLS, 128_000, on_demand(NO_PROFILES, US_REGIONS)),
];

/// The profile prefix serving callers in `region` (`us-east-1` -> `us`), if any.
pub fn geography(region: &str) -> Option<&'static str> {
    match region.split('-').next() {
        Some("us") => Some("us"),
        Some("eu") => Some("eu"),
        Some("ap") => Some("apac"),
        _ => None,
    }
}

/// How a model can be invoked from a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// The model id works as is.
    OnDemand,
    /// Only through this cross-region profile prefix (`us`, `eu`, `apac`, `global`).
    ProfileOnly(&'static str),
    /// Not from this region.
    NotOffered,
}

impl ModelInfo {
    /// How this model can be invoked from `region`.
    pub fn availability(&self, region: &str) -> Availability {
        if !self.regions.contains(&region) {
            return Availability::NotOffered;
        }
        if self.on_demand {
            return Availability::OnDemand;
        }
        let local = geography(region).filter(|prefix| self.profiles.contains(prefix));
        match local.or_else(|| self.profiles.iter().copied().find(|p| *p == "global")) {
            Some(prefix) => Availability::ProfileOnly(prefix),
            None => Availability::NotOffered,
        }
    }

    /// Whether the profile `prefix.` + id can be called from `region`.
    pub fn profile_usable_from(&self, prefix: &str, region: &str) -> bool {
        self.profiles.contains(&prefix)
            && self.regions.contains(&region)
            && (prefix == "global" || geography(region) == Some(prefix))
    }
}

/// How a requested model id names a catalog model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelRef<'a> {
    /// A plain model id.
    Foundation(&'a ModelInfo),
    /// A cross-region inference profile id (`us.` + model id).
    Profile(&'a ModelInfo),
    /// An inference-profile ARN (system-defined or application); Bedrock resolves it.
    Arn,
}

/// Finds the model a requested id names: a model id, a profile id, or an inference-profile ARN.
pub fn resolve(requested: &str) -> Option<ModelRef<'static>> {
    if is_inference_profile_arn(requested) {
        return Some(ModelRef::Arn);
    }
    if let Some(info) = find(requested) {
        return Some(ModelRef::Foundation(info));
    }
    let (prefix, base) = requested.split_once('.')?;
    let info = find(base)?;
    info.profiles.contains(&prefix).then_some(ModelRef::Profile(info))
}

/// The catalog entry with exactly this model id.
pub fn find(id: &str) -> Option<&'static ModelInfo> {
    BUILT_IN.binary_search_by(|model| model.id.cmp(id)).ok().map(|index| &BUILT_IN[index])
}

/// `arn:aws:bedrock:<region>:<account>:(application-)inference-profile/<id>` or a foundation-model ARN.
fn is_inference_profile_arn(id: &str) -> bool {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "bedrock", _, _, resource]
        if partition.starts_with("aws")
            && ["inference-profile/", "application-inference-profile/", "foundation-model/"]
                .iter()
                .any(|kind| resource.strip_prefix(kind).is_some_and(|rest| !rest.is_empty())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_sorted_so_lookups_work() {
        assert!(BUILT_IN.windows(2).all(|pair| pair[0].id < pair[1].id));
    }

    #[test]
    fn availability_follows_the_guide_table() {
        let opus = find("anthropic.claude-3-opus-20240229-v1:0").unwrap();
        assert_eq!(opus.availability("us-west-2"), Availability::OnDemand);
        assert_eq!(opus.availability("eu-central-1"), Availability::NotOffered);
        let haiku = find("anthropic.claude-3-haiku-20240307-v1:0").unwrap();
        assert!(GUIDE_REGIONS.iter().all(|r| haiku.availability(r) == Availability::OnDemand));
        let sonnet4 = find("anthropic.claude-sonnet-4-20250514-v1:0").unwrap();
        assert_eq!(sonnet4.availability("eu-central-1"), Availability::ProfileOnly("eu"));
        assert!(sonnet4.profile_usable_from("global", "ap-southeast-1"));
        assert!(!sonnet4.profile_usable_from("us", "eu-central-1"));
    }

    #[test]
    fn resolves_ids_profiles_and_arns() {
        let haiku = "anthropic.claude-3-haiku-20240307-v1:0";
        assert!(matches!(resolve(haiku), Some(ModelRef::Foundation(m)) if m.id == haiku));
        assert!(matches!(resolve(&format!("eu.{haiku}")), Some(ModelRef::Profile(m)) if m.id == haiku));
        assert_eq!(resolve(&format!("global.{haiku}")), None, "haiku has no global profile");
        assert_eq!(
            resolve("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"),
            Some(ModelRef::Arn)
        );
        assert_eq!(resolve("arn:aws:bedrock:us-east-1:123456789012:inference-profile/"), None);
        assert_eq!(resolve("no-such-model"), None);
    }
}
