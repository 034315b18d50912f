//! The emulator's own table of Bedrock's text and embedding models, written from AWS's documentation
//! (model cards, "Supported Regions and models for inference profiles", "Model lifecycle"),
//! independently of the server's built-in table: a wrong table in the server then fails the tests
//! that run against the emulator instead of agreeing with itself.
//!
//! Bedrock's world as of February 2026 (after Claude Opus 4.6 launched, before Claude 3.5 Sonnet's
//! end of life), with three kinds of facts per model:
//!
//! - the regions that serve the plain model id **on demand**;
//! - its **system-defined cross-Region inference profiles** (`us.`, `eu.`, `apac.`, `jp.`, `au.`,
//!   `us-gov.`, `global.` + the model id): the source regions a profile can be called from, and the
//!   destination regions it routes to (a global profile routes to every commercial region);
//! - its **lifecycle**: active, legacy (still served), or end of life (every call fails).
//!
//! A region lists a model (ListFoundationModels) when it serves it on demand or is a source region
//! of one of its profiles; in the second case only through the profile. Where AWS routes a profile
//! differently per source region, the table keeps the union (e.g. `us.` Claude 3 Haiku).
//!
//! Embedding models (output `EMBEDDING`, no streaming) answer InvokeModel only: Converse and
//! ConverseStream refuse them as Bedrock does (`world::check_chat`). Their regions: Titan Text
//! Embeddings V2 and G1, Cohere Embed v3 on demand; Cohere Embed v4 only through its `us.`, `eu.`
//! and `global.` profiles (the bare id refuses on-demand throughput); Nova Multimodal Embeddings
//! on demand in us-east-1 only.

/// Where a model stands in Bedrock's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Served, and the provider keeps working on it.
    Active,
    /// Still served; the provider has announced its end of life.
    Legacy,
    /// Retired: every invocation fails with ResourceNotFoundException, and no list shows it.
    EndOfLife,
}

impl Lifecycle {
    /// `modelLifecycle.status` as ListFoundationModels spells it.
    pub fn status(self) -> &'static str {
        match self {
            Lifecycle::Active => "ACTIVE",
            Lifecycle::Legacy => "LEGACY",
            Lifecycle::EndOfLife => "EOL",
        }
    }
}

/// A system-defined cross-Region inference profile of one model: `prefix.` + the model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The id prefix: `us`, `eu`, `apac`, `jp`, `au`, `ca`, `us-gov` or `global`.
    pub prefix: &'static str,
    /// The regions it can be called from.
    pub sources: &'static [&'static str],
    /// The regions it routes requests to.
    pub destinations: &'static [&'static str],
}

/// One foundation model, as ListFoundationModels describes it, with where and how it is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// `modelId`.
    pub id: &'static str,
    /// `modelName`.
    pub name: &'static str,
    /// `providerName`, as Bedrock spells it (`Anthropic`, `Mistral AI`, `AI21 Labs`, ...).
    pub provider: &'static str,
    /// `inputModalities`.
    pub input: &'static [&'static str],
    /// `outputModalities`.
    pub output: &'static [&'static str],
    /// `responseStreamingSupported`.
    pub streaming: bool,
    /// `modelLifecycle.status`.
    pub lifecycle: Lifecycle,
    /// The regions that serve the plain model id on demand.
    pub on_demand: &'static [&'static str],
    /// Its system-defined cross-Region inference profiles.
    pub profiles: &'static [Profile],
}

/// The prefix of global cross-Region inference profiles.
pub const GLOBAL: &str = "global";

/// Every inference-profile prefix Bedrock uses.
pub const PREFIXES: &[&str] = &["us", "eu", "apac", "jp", "au", "ca", "us-gov", GLOBAL];

/// The commercial regions a global profile is called from and routes to.
#[rustfmt::skip]
pub const COMMERCIAL: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-4",
];

// Region sets of geographic profiles (sources, and the destinations of `geo` profiles).
const US_2: &[&str] = &["us-east-1", "us-west-2"];
const US_3: &[&str] = &["us-east-1", "us-east-2", "us-west-2"];
const US_4: &[&str] = &["us-east-1", "us-east-2", "us-west-1", "us-west-2"];
const EU_3: &[&str] = &["eu-central-1", "eu-west-1", "eu-west-3"];
const EU_4: &[&str] = &["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"];
const EU_6: &[&str] = &["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"];
const APAC_5: &[&str] =
    &["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"];
#[rustfmt::skip]
const APAC_8: &[&str] = &[
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-4",
];
const JP: &[&str] = &["ap-northeast-1", "ap-northeast-3"];
const AU: &[&str] = &["ap-southeast-2", "ap-southeast-4"];
const US_GOV: &[&str] = &["us-gov-east-1", "us-gov-west-1"];
const US_GOV_WEST: &[&str] = &["us-gov-west-1"];

// Regions serving a model id on demand.
const NOWHERE: &[&str] = &[];
const US_EAST_1: &[&str] = &["us-east-1"];
const US_WEST_2: &[&str] = &["us-west-2"];
#[rustfmt::skip]
const CLAUDE_3_HAIKU_REGIONS: &[&str] = &[
    "us-east-1", "us-west-2", "us-gov-west-1", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
];
#[rustfmt::skip]
const CLAUDE_3_5_SONNET_REGIONS: &[&str] = &[
    "us-east-1", "us-west-2", "us-gov-west-1", "eu-central-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1",
];
const NOVA_REGIONS: &[&str] = &["us-east-1", "us-gov-west-1"];
#[rustfmt::skip]
const TITAN_EXPRESS_REGIONS: &[&str] = &[
    "us-east-1", "us-west-2", "us-gov-west-1", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
];
#[rustfmt::skip]
const TITAN_LITE_REGIONS: &[&str] = &[
    "us-east-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "ap-south-1", "ap-southeast-2",
];
const LLAMA_3_REGIONS: &[&str] =
    &["us-east-1", "us-west-2", "us-gov-west-1", "ca-central-1", "eu-west-2", "ap-south-1"];
#[rustfmt::skip]
const MISTRAL_REGIONS: &[&str] = &[
    "us-east-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "ap-south-1", "ap-southeast-2",
];

/// A profile called from and routing to the same regions.
const fn geo(prefix: &'static str, regions: &'static [&'static str]) -> Profile {
    Profile { prefix, sources: regions, destinations: regions }
}

/// A profile routing to fewer regions than it is called from.
const fn routed(
    prefix: &'static str,
    sources: &'static [&'static str],
    destinations: &'static [&'static str],
) -> Profile {
    Profile { prefix, sources, destinations }
}

// The profiles of each model (or family).
const NO_PROFILES: &[Profile] = &[];
const US_3_ONLY: &[Profile] = &[geo("us", US_3)];
const CLAUDE_3_HAIKU_PROFILES: &[Profile] =
    &[geo("us", US_3), geo("eu", EU_3), geo("apac", APAC_5), routed("us-gov", US_GOV, US_GOV_WEST)];
const CLAUDE_3_SONNET_PROFILES: &[Profile] = &[geo("us", US_2), geo("eu", EU_3), geo("apac", APAC_5)];
const CLAUDE_3_OPUS_PROFILES: &[Profile] = &[geo("us", US_2)];
const CLAUDE_3_5_SONNET_PROFILES: &[Profile] =
    &[geo("us", US_3), geo("eu", EU_3), geo("apac", APAC_5), routed("us-gov", US_GOV, US_GOV_WEST)];
const CLAUDE_3_5_SONNET_V2_PROFILES: &[Profile] = &[geo("us", US_3), geo("apac", APAC_5)];
const CLAUDE_3_7_SONNET_PROFILES: &[Profile] =
    &[geo("us", US_3), geo("eu", EU_4), geo("apac", APAC_5), geo("us-gov", US_GOV)];
const CLAUDE_SONNET_4_PROFILES: &[Profile] =
    &[geo("us", US_4), geo("eu", EU_6), geo("apac", APAC_8), geo(GLOBAL, COMMERCIAL)];
const CLAUDE_SONNET_4_5_PROFILES: &[Profile] = &[
    geo("us", US_4),
    geo("eu", EU_6),
    geo("jp", JP),
    geo("au", AU),
    geo("us-gov", US_GOV),
    geo(GLOBAL, COMMERCIAL),
];
const CLAUDE_HAIKU_4_5_PROFILES: &[Profile] =
    &[geo("us", US_4), geo("eu", EU_6), geo("jp", JP), geo("au", AU), geo(GLOBAL, COMMERCIAL)];
const CLAUDE_OPUS_4_5_PROFILES: &[Profile] = &[geo("us", US_4), geo("eu", EU_6), geo(GLOBAL, COMMERCIAL)];
const CLAUDE_OPUS_4_6_PROFILES: &[Profile] =
    &[geo("us", US_4), geo("eu", EU_6), geo("jp", JP), geo("apac", APAC_8), geo(GLOBAL, COMMERCIAL)];
const CLAUDE_SONNET_4_6_PROFILES: &[Profile] =
    &[geo("us", US_4), geo("eu", EU_6), geo("jp", JP), geo(GLOBAL, COMMERCIAL)];
const NOVA_PROFILES: &[Profile] = &[geo("us", US_3), geo("eu", EU_6), geo("apac", APAC_5)];
const NOVA_2_LITE_PROFILES: &[Profile] = &[geo("us", US_3), geo(GLOBAL, COMMERCIAL)];
const COHERE_EMBED_V4_PROFILES: &[Profile] = &[geo("us", US_3), geo("eu", EU_4), geo(GLOBAL, COMMERCIAL)];

// Regions serving embedding models on demand.
const TITAN_EMBED_V1_REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1"];
#[rustfmt::skip]
const TITAN_EMBED_V2_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-2", "us-gov-west-1", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
];
#[rustfmt::skip]
const COHERE_EMBED_V3_REGIONS: &[&str] = &[
    "us-east-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
];

const TEXT: &[&str] = &["TEXT"];
const TEXT_IMAGE: &[&str] = &["TEXT", "IMAGE"];
const TEXT_IMAGE_VIDEO: &[&str] = &["TEXT", "IMAGE", "VIDEO"];
const EMBEDDING: &[&str] = &["EMBEDDING"];

use Lifecycle::{Active, EndOfLife, Legacy};

/// A text-out, streaming model.
const fn model(
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    input: &'static [&'static str],
    lifecycle: Lifecycle,
    on_demand: &'static [&'static str],
    profiles: &'static [Profile],
) -> Model {
    Model { id, name, provider, input, output: TEXT, streaming: true, lifecycle, on_demand, profiles }
}

/// An embedding model: vectors out, no streaming, active.
const fn embedding(
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    input: &'static [&'static str],
    on_demand: &'static [&'static str],
    profiles: &'static [Profile],
) -> Model {
    Model {
        id,
        name,
        provider,
        input,
        output: EMBEDDING,
        streaming: false,
        lifecycle: Active,
        on_demand,
        profiles,
    }
}

/// Every model the emulator knows, by provider and id.
#[rustfmt::skip]
pub static MODELS: &[Model] = &[
    model("ai21.jamba-1-5-large-v1:0", "Jamba 1.5 Large", "AI21 Labs", TEXT, Active, US_EAST_1, NO_PROFILES),
    model("ai21.jamba-1-5-mini-v1:0", "Jamba 1.5 Mini", "AI21 Labs", TEXT, Active, US_EAST_1, NO_PROFILES),
    model("amazon.nova-2-lite-v1:0", "Nova 2 Lite", "Amazon", TEXT_IMAGE_VIDEO, Active, NOWHERE, NOVA_2_LITE_PROFILES),
    embedding("amazon.nova-2-multimodal-embeddings-v1:0", "Nova Multimodal Embeddings", "Amazon", TEXT_IMAGE, US_EAST_1, NO_PROFILES),
    model("amazon.nova-lite-v1:0", "Nova Lite", "Amazon", TEXT_IMAGE_VIDEO, Active, NOVA_REGIONS, NOVA_PROFILES),
    model("amazon.nova-micro-v1:0", "Nova Micro", "Amazon", TEXT, Active, NOVA_REGIONS, NOVA_PROFILES),
    model("amazon.nova-premier-v1:0", "Nova Premier", "Amazon", TEXT_IMAGE_VIDEO, Active, NOWHERE, US_3_ONLY),
    model("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", TEXT_IMAGE_VIDEO, Active, NOVA_REGIONS, NOVA_PROFILES),
    embedding("amazon.titan-embed-text-v1", "Titan Embeddings G1 - Text", "Amazon", TEXT, TITAN_EMBED_V1_REGIONS, NO_PROFILES),
    embedding("amazon.titan-embed-text-v2:0", "Titan Text Embeddings V2", "Amazon", TEXT, TITAN_EMBED_V2_REGIONS, NO_PROFILES),
    model("amazon.titan-text-express-v1", "Titan Text G1 - Express", "Amazon", TEXT, Active, TITAN_EXPRESS_REGIONS, NO_PROFILES),
    model("amazon.titan-text-lite-v1", "Titan Text G1 - Lite", "Amazon", TEXT, Active, TITAN_LITE_REGIONS, NO_PROFILES),
    model("anthropic.claude-3-5-haiku-20241022-v1:0", "Claude 3.5 Haiku", "Anthropic", TEXT, Legacy, US_WEST_2, US_3_ONLY),
    model("anthropic.claude-3-5-sonnet-20240620-v1:0", "Claude 3.5 Sonnet", "Anthropic", TEXT_IMAGE, Legacy, CLAUDE_3_5_SONNET_REGIONS, CLAUDE_3_5_SONNET_PROFILES),
    model("anthropic.claude-3-5-sonnet-20241022-v2:0", "Claude 3.5 Sonnet v2", "Anthropic", TEXT_IMAGE, Legacy, US_WEST_2, CLAUDE_3_5_SONNET_V2_PROFILES),
    model("anthropic.claude-3-7-sonnet-20250219-v1:0", "Claude 3.7 Sonnet", "Anthropic", TEXT_IMAGE, Legacy, NOWHERE, CLAUDE_3_7_SONNET_PROFILES),
    model("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "Anthropic", TEXT_IMAGE, Legacy, CLAUDE_3_HAIKU_REGIONS, CLAUDE_3_HAIKU_PROFILES),
    model("anthropic.claude-3-opus-20240229-v1:0", "Claude 3 Opus", "Anthropic", TEXT_IMAGE, Legacy, US_WEST_2, CLAUDE_3_OPUS_PROFILES),
    model("anthropic.claude-3-sonnet-20240229-v1:0", "Claude 3 Sonnet", "Anthropic", TEXT_IMAGE, EndOfLife, NOWHERE, CLAUDE_3_SONNET_PROFILES),
    model("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5", "Anthropic", TEXT_IMAGE, Active, NOWHERE, CLAUDE_HAIKU_4_5_PROFILES),
    model("anthropic.claude-instant-v1", "Claude Instant", "Anthropic", TEXT, EndOfLife, NOWHERE, NO_PROFILES),
    model("anthropic.claude-opus-4-1-20250805-v1:0", "Claude Opus 4.1", "Anthropic", TEXT_IMAGE, Active, NOWHERE, US_3_ONLY),
    model("anthropic.claude-opus-4-20250514-v1:0", "Claude Opus 4", "Anthropic", TEXT_IMAGE, Active, NOWHERE, US_3_ONLY),
    model("anthropic.claude-opus-4-5-20251101-v1:0", "Claude Opus 4.5", "Anthropic", TEXT_IMAGE, Active, NOWHERE, CLAUDE_OPUS_4_5_PROFILES),
    model("anthropic.claude-opus-4-6-v1", "Claude Opus 4.6", "Anthropic", TEXT_IMAGE, Active, NOWHERE, CLAUDE_OPUS_4_6_PROFILES),
    model("anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4", "Anthropic", TEXT_IMAGE, Active, NOWHERE, CLAUDE_SONNET_4_PROFILES),
    model("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5", "Anthropic", TEXT_IMAGE, Active, NOWHERE, CLAUDE_SONNET_4_5_PROFILES),
    model("anthropic.claude-sonnet-4-6", "Claude Sonnet 4.6", "Anthropic", TEXT_IMAGE, Active, NOWHERE, CLAUDE_SONNET_4_6_PROFILES),
    model("anthropic.claude-v2", "Claude", "Anthropic", TEXT, EndOfLife, NOWHERE, NO_PROFILES),
    model("anthropic.claude-v2:1", "Claude", "Anthropic", TEXT, EndOfLife, NOWHERE, NO_PROFILES),
    model("cohere.command-light-text-v14", "Command Light", "Cohere", TEXT, EndOfLife, NOWHERE, NO_PROFILES),
    model("cohere.command-r-plus-v1:0", "Command R+", "Cohere", TEXT, Active, US_2, NO_PROFILES),
    model("cohere.command-r-v1:0", "Command R", "Cohere", TEXT, Active, US_2, NO_PROFILES),
    model("cohere.command-text-v14", "Command", "Cohere", TEXT, EndOfLife, NOWHERE, NO_PROFILES),
    embedding("cohere.embed-english-v3", "Embed English", "Cohere", TEXT, COHERE_EMBED_V3_REGIONS, NO_PROFILES),
    embedding("cohere.embed-multilingual-v3", "Embed Multilingual", "Cohere", TEXT, COHERE_EMBED_V3_REGIONS, NO_PROFILES),
    embedding("cohere.embed-v4:0", "Embed v4", "Cohere", TEXT_IMAGE, NOWHERE, COHERE_EMBED_V4_PROFILES),
    model("deepseek.r1-v1:0", "DeepSeek-R1", "DeepSeek", TEXT, Active, NOWHERE, US_3_ONLY),
    model("meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B Instruct", "Meta", TEXT, Active, US_WEST_2, US_3_ONLY),
    model("meta.llama3-70b-instruct-v1:0", "Llama 3 70B Instruct", "Meta", TEXT, Active, LLAMA_3_REGIONS, NO_PROFILES),
    model("meta.llama3-8b-instruct-v1:0", "Llama 3 8B Instruct", "Meta", TEXT, Active, LLAMA_3_REGIONS, NO_PROFILES),
    model("mistral.mistral-7b-instruct-v0:2", "Mistral 7B Instruct", "Mistral AI", TEXT, Active, MISTRAL_REGIONS, NO_PROFILES),
    model("mistral.mistral-large-2402-v1:0", "Mistral Large (24.02)", "Mistral AI", TEXT, Active, MISTRAL_REGIONS, NO_PROFILES),
    model("openai.gpt-oss-120b-1:0", "gpt-oss-120b", "OpenAI", TEXT, Active, US_2, NO_PROFILES),
    model("openai.gpt-oss-20b-1:0", "gpt-oss-20b", "OpenAI", TEXT, Active, US_2, NO_PROFILES),
];
