//! The emulator's picture of Bedrock's world, from its own table (`models.rs`, written from AWS's
//! documentation, not from the server's table): which foundation models a region offers (on
//! demand, or only through cross-Region inference profiles), which system-defined profiles can be
//! called from a region and where they route, and Bedrock's verdict, with Bedrock's messages, on
//! invoking a model id, a profile id or an ARN from a region.

use super::answer::Fault;
use super::models::MODELS;
pub use super::models::{COMMERCIAL, GLOBAL, Lifecycle, Model, PREFIXES, Profile};

/// Bedrock's answer to a model id it cannot resolve from the caller's region.
pub const INVALID_MODEL: &str = "The provided model identifier is invalid.";
/// Bedrock's answer to a model past its end of life (ResourceNotFoundException).
pub const END_OF_LIFE: &str = "This model version has reached the end of its life. Please refer to the AWS documentation for more details.";
/// Bedrock's answer to Converse or ConverseStream on a model that does not chat (an embedding
/// model): ValidationException.
pub const NOT_A_CHAT_MODEL: &str =
    "This action doesn't support the model that you provided. Try again with a supported text or chat model.";
/// The longest model identifier Bedrock accepts (ARNs included).
const MAX_MODEL_ID: usize = 2048;
/// ARN partitions Bedrock runs in.
const PARTITIONS: &[&str] = &["aws", "aws-us-gov", "aws-cn"];

/// How a region serves a model it lists (`inferenceTypesSupported`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InferenceType {
    /// The plain model id can be invoked.
    OnDemand,
    /// Only through a cross-Region inference profile.
    InferenceProfile,
}

impl InferenceType {
    /// As ListFoundationModels spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            InferenceType::OnDemand => "ON_DEMAND",
            InferenceType::InferenceProfile => "INFERENCE_PROFILE",
        }
    }
}

impl Model {
    /// How `region` serves this model, if it lists it at all (an end-of-life model is listed nowhere).
    pub fn inference_type_in(&self, region: &str) -> Option<InferenceType> {
        if self.lifecycle == Lifecycle::EndOfLife {
            None
        } else if self.on_demand.contains(&region) {
            Some(InferenceType::OnDemand)
        } else if self.profiles.iter().any(|p| p.sources.contains(&region)) {
            Some(InferenceType::InferenceProfile)
        } else {
            None
        }
    }

    /// Whether it answers with vectors (InvokeModel only) rather than text.
    pub fn is_embedding(&self) -> bool {
        self.output.contains(&"EMBEDDING")
    }

    /// The model's ARN in `region`.
    pub fn arn_in(&self, region: &str) -> String {
        format!("arn:{}:bedrock:{region}::foundation-model/{}", partition(region), self.id)
    }
}

/// A system-defined inference profile, seen from one of its source regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemProfile {
    /// The model it serves.
    pub model: &'static Model,
    /// Its prefix, sources and destinations.
    pub profile: &'static Profile,
}

impl SystemProfile {
    /// `inferenceProfileId`: the prefix, a dot, the model id.
    pub fn id(&self) -> String {
        format!("{}.{}", self.profile.prefix, self.model.id)
    }

    /// `inferenceProfileArn` in `region` for `account`.
    pub fn arn(&self, region: &str, account: &str) -> String {
        format!("arn:{}:bedrock:{region}:{account}:inference-profile/{}", partition(region), self.id())
    }

    /// The `models` of the profile as `region` describes it: the model's ARN in each destination
    /// region; for a global profile, the one in `region` and the region-less ARN that stands for
    /// every commercial region (as IAM policies for global profiles name it).
    pub fn member_arns(&self, region: &str) -> Vec<String> {
        if self.profile.prefix == GLOBAL {
            let anywhere = format!("arn:{}:bedrock:::foundation-model/{}", partition(region), self.model.id);
            vec![self.model.arn_in(region), anywhere]
        } else {
            self.profile.destinations.iter().map(|destination| self.model.arn_in(destination)).collect()
        }
    }
}

/// Every model of the table, end-of-life ones included.
pub fn models() -> &'static [Model] {
    MODELS
}

/// A model by id.
pub fn find(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|model| model.id == id)
}

/// The models ListFoundationModels lists in `region`, and how the region serves each.
pub fn offered_in(region: &str) -> Vec<(&'static Model, InferenceType)> {
    MODELS.iter().filter_map(|model| Some((model, model.inference_type_in(region)?))).collect()
}

/// The system-defined profiles ListInferenceProfiles lists in `region` (those it can call).
pub fn profiles_usable_from(region: &str) -> Vec<SystemProfile> {
    MODELS
        .iter()
        .filter(|model| model.lifecycle != Lifecycle::EndOfLife)
        .flat_map(|model| model.profiles.iter().map(move |profile| SystemProfile { model, profile }))
        .filter(|system| system.profile.sources.contains(&region))
        .collect()
}

/// The ARN partition of a region (`aws`, `aws-us-gov`, `aws-cn`).
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// Bedrock's verdict on invoking `model_id` from `region` as a principal of `account`: Ok, or the
/// refusal Bedrock sends (HTTP status, exception name, message). `model_id` may be a model id, a
/// system-defined profile id, or the ARN of a foundation model, a system-defined profile or an
/// application inference profile (the emulator has no CreateInferenceProfile, so any well-formed
/// application profile of the caller's account and region exists).
pub fn check_invocable(model_id: &str, region: &str, account: &str) -> Result<(), Fault> {
    if model_id.len() > MAX_MODEL_ID {
        return Err((
            400,
            "ValidationException",
            format!(
                "1 validation error detected: Value '{model_id}' at 'modelId' failed to satisfy constraint: \
                 Member must have length less than or equal to {MAX_MODEL_ID}"
            ),
        ));
    }
    if model_id.starts_with("arn:") {
        return check_arn(model_id, region, account);
    }
    match find(model_id) {
        Some(model) => check_foundation_model(model, model_id, region),
        None => check_profile(model_id, region),
    }
}

/// Bedrock's verdict on Converse or ConverseStream for a model id that [`check_invocable`] let
/// through: an embedding model (by id, profile or ARN) does not chat. An application inference
/// profile hides its model, so it passes.
pub fn check_chat(model_id: &str) -> Result<(), Fault> {
    match resolve_model(model_id).and_then(|(_, base)| find(base)) {
        Some(model) if model.is_embedding() => Err((400, "ValidationException", NOT_A_CHAT_MODEL.to_owned())),
        _ => Ok(()),
    }
}

/// A model id without its inference-profile prefix (`us.`, `global.`, ...).
pub fn base_model_id(model_id: &str) -> &str {
    match model_id.split_once('.') {
        Some((prefix, rest)) if PREFIXES.contains(&prefix) => rest,
        _ => model_id,
    }
}

/// The model an invocation names: the profile prefix it goes through (`us`, `global`, ...; None
/// when called on demand) and the base model id. Model ids, profile ids and the ARNs of foundation
/// models and system-defined profiles resolve; an application inference profile does not (its id
/// does not say which model it wraps), so per-model rules let it through, as the emulator cannot
/// tell.
pub fn resolve_model(model_id: &str) -> Option<(Option<&str>, &str)> {
    let id = if model_id.starts_with("arn:") {
        let arn = Arn::parse(model_id)?;
        match arn.kind {
            "foundation-model" => return Some((None, arn.id)),
            "inference-profile" => arn.id,
            _ => return None,
        }
    } else {
        model_id
    };
    Some(match id.split_once('.') {
        Some((prefix, rest)) if PREFIXES.contains(&prefix) => (Some(prefix), rest),
        _ => (None, id),
    })
}

fn invalid() -> Fault {
    (400, "ValidationException", INVALID_MODEL.to_owned())
}

fn end_of_life() -> Fault {
    (404, "ResourceNotFoundException", END_OF_LIFE.to_owned())
}

/// A foundation model invoked directly (`requested`: the id or ARN as the caller wrote it).
fn check_foundation_model(model: &Model, requested: &str, region: &str) -> Result<(), Fault> {
    if model.lifecycle == Lifecycle::EndOfLife {
        return Err(end_of_life());
    }
    match model.inference_type_in(region) {
        Some(InferenceType::OnDemand) => Ok(()),
        Some(InferenceType::InferenceProfile) => Err((
            400,
            "ValidationException",
            format!(
                "Invocation of model ID {requested} with on-demand throughput isn\u{2019}t supported. Retry your \
                 request with the ID or ARN of an inference profile that contains this model."
            ),
        )),
        None => Err(invalid()),
    }
}

/// A system-defined profile id (`us.anthropic...`), called from `region`.
fn check_profile(profile_id: &str, region: &str) -> Result<(), Fault> {
    let Some(system) = resolve_profile(profile_id) else {
        return Err(invalid());
    };
    if system.model.lifecycle == Lifecycle::EndOfLife {
        Err(end_of_life())
    } else if system.profile.sources.contains(&region) {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// The model and profile a profile id names.
fn resolve_profile(profile_id: &str) -> Option<SystemProfile> {
    let (prefix, base) = profile_id.split_once('.')?;
    let model = find(base)?;
    let profile = model.profiles.iter().find(|profile| profile.prefix == prefix)?;
    Some(SystemProfile { model, profile })
}

/// `arn:<partition>:bedrock:<region>:<account>:<resource type>/<resource id>`.
struct Arn<'a> {
    partition: &'a str,
    service: &'a str,
    region: &'a str,
    account: &'a str,
    kind: &'a str,
    id: &'a str,
}

impl<'a> Arn<'a> {
    fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let (partition, service, region, account) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let (kind, id) = parts.next()?.split_once('/')?;
        Some(Arn { partition, service, region, account, kind, id })
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// An application inference profile's id: 1 to 64 lowercase letters and digits.
fn is_application_profile_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn check_arn(text: &str, region: &str, account: &str) -> Result<(), Fault> {
    let Some(arn) = Arn::parse(text) else {
        return Err(invalid());
    };
    let well_formed = PARTITIONS.contains(&arn.partition) && arn.service == "bedrock" && !arn.id.is_empty();
    // An ARN of another partition or region names nothing this regional endpoint can resolve.
    if !well_formed || arn.partition != partition(region) || arn.region != region {
        return Err(invalid());
    }
    match arn.kind {
        "foundation-model" if arn.account.is_empty() => match find(arn.id) {
            Some(model) => check_foundation_model(model, text, region),
            None => Err(invalid()),
        },
        "inference-profile" | "application-inference-profile" if is_account_id(arn.account) => {
            if arn.account != account {
                return Err((
                    403,
                    "AccessDeniedException",
                    format!(
                        "User is not authorized to perform: bedrock:InvokeModel on resource: {text} because no \
                         resource-based policy allows the bedrock:InvokeModel action"
                    ),
                ));
            }
            if arn.kind == "inference-profile" {
                check_profile(arn.id, region)
            } else if is_application_profile_id(arn.id) {
                Ok(())
            } else {
                Err(invalid())
            }
        }
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";
    const HAIKU_3: &str = "anthropic.claude-3-haiku-20240307-v1:0";
    const OPUS_3: &str = "anthropic.claude-3-opus-20240229-v1:0";
    const SONNET_4: &str = "anthropic.claude-sonnet-4-20250514-v1:0";
    const SONNET_4_5: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    const NOVA_PRO: &str = "amazon.nova-pro-v1:0";
    const NOVA_PREMIER: &str = "amazon.nova-premier-v1:0";

    fn check(model_id: &str, region: &str) -> Result<(), Fault> {
        check_invocable(model_id, region, ACCOUNT)
    }

    fn assert_invalid(model_id: &str, region: &str) {
        assert_eq!(check(model_id, region), Err(invalid()), "{model_id} from {region}");
    }

    #[test]
    fn on_demand_models_are_invoked_by_id_where_offered() {
        for region in ["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1", "ap-southeast-1"] {
            assert_eq!(check(HAIKU_3, region), Ok(()), "{region}");
        }
        assert_eq!(check(OPUS_3, "us-west-2"), Ok(()));
        assert_eq!(check(NOVA_PRO, "us-east-1"), Ok(()));
        assert_eq!(check("meta.llama3-8b-instruct-v1:0", "us-east-1"), Ok(()));
        assert_eq!(check("openai.gpt-oss-120b-1:0", "us-east-1"), Ok(()));
        // Not offered in the region at all: the id is invalid there.
        assert_invalid(OPUS_3, "eu-central-1");
        assert_invalid("ai21.jamba-1-5-large-v1:0", "us-west-2");
    }

    #[test]
    fn profile_only_models_are_refused_by_id_with_bedrocks_message() {
        let message = "Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput \
                       isn’t supported. Retry your request with the ID or ARN of an inference profile that \
                       contains this model.";
        assert_eq!(check(SONNET_4, "us-east-1"), Err((400, "ValidationException", message.to_owned())));
        let refused = |id: &str, region: &str| check(id, region).unwrap_err().2;
        assert!(refused(SONNET_4, "eu-central-1").contains("on-demand throughput isn\u{2019}t supported"));
        assert!(refused(OPUS_3, "us-east-1").starts_with(&format!("Invocation of model ID {OPUS_3} ")));
        assert!(refused(NOVA_PRO, "us-west-2").contains("inference profile that contains this model"));
        assert!(refused(NOVA_PREMIER, "us-east-1").contains("on-demand throughput"));
    }

    #[test]
    fn geographic_profiles_are_called_from_their_source_regions_only() {
        assert_eq!(check(&format!("us.{SONNET_4}"), "us-east-1"), Ok(()));
        assert_eq!(check(&format!("us.{SONNET_4}"), "us-west-1"), Ok(()));
        assert_eq!(check(&format!("eu.{SONNET_4}"), "eu-central-1"), Ok(()));
        assert_eq!(check(&format!("apac.{SONNET_4}"), "ap-southeast-1"), Ok(()));
        assert_invalid(&format!("us.{SONNET_4}"), "eu-central-1");
        assert_invalid(&format!("eu.{SONNET_4}"), "us-east-1");
        assert_invalid(&format!("apac.{SONNET_4}"), "eu-central-1");
        assert_eq!(check(&format!("jp.{SONNET_4_5}"), "ap-northeast-3"), Ok(()));
        assert_invalid(&format!("jp.{SONNET_4_5}"), "ap-southeast-1");
        assert_eq!(check(&format!("au.{SONNET_4_5}"), "ap-southeast-2"), Ok(()));
        assert_eq!(check(&format!("us-gov.{SONNET_4_5}"), "us-gov-west-1"), Ok(()));
        assert_eq!(check(&format!("us.{OPUS_3}"), "us-east-1"), Ok(()));
        assert_invalid(&format!("us.{OPUS_3}"), "us-east-2");
        assert_eq!(check(&format!("us.{NOVA_PREMIER}"), "us-east-2"), Ok(()));
        assert_invalid(&format!("eu.{NOVA_PREMIER}"), "eu-central-1");
        // A prefix the model has no profile for.
        assert_invalid(&format!("jp.{SONNET_4}"), "ap-northeast-1");
        assert_invalid(&format!("eu.{NOVA_PREMIER}"), "us-east-1");
    }

    #[test]
    fn global_profiles_are_called_from_any_commercial_region() {
        for region in ["us-east-1", "eu-central-1", "ap-southeast-1", "sa-east-1", "ca-central-1"] {
            assert_eq!(check(&format!("global.{SONNET_4}"), region), Ok(()), "{region}");
            assert_eq!(check("global.anthropic.claude-opus-4-6-v1", region), Ok(()), "{region}");
        }
        assert_invalid(&format!("global.{SONNET_4}"), "us-gov-west-1");
        assert_invalid(&format!("global.{HAIKU_3}"), "us-east-1");
        assert_invalid("global.anthropic.claude-3-7-sonnet-20250219-v1:0", "us-east-1");
    }

    #[test]
    fn foundation_model_arns_name_a_model_of_the_callers_region() {
        let arn = |region: &str, id: &str| format!("arn:aws:bedrock:{region}::foundation-model/{id}");
        assert_eq!(check(&arn("us-east-1", HAIKU_3), "us-east-1"), Ok(()));
        assert_invalid(&arn("us-west-2", HAIKU_3), "us-east-1");
        assert_invalid(&arn("us-east-1", "no-such-model"), "us-east-1");
        assert_invalid(
            &format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:foundation-model/{HAIKU_3}"),
            "us-east-1",
        );
        assert_invalid(&format!("arn:aws-us-gov:bedrock:us-east-1::foundation-model/{HAIKU_3}"), "us-east-1");
        assert_eq!(
            check(
                &format!("arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/{HAIKU_3}"),
                "us-gov-west-1"
            ),
            Ok(())
        );
        assert_invalid(&format!("arn:aws:s3:us-east-1::foundation-model/{HAIKU_3}"), "us-east-1");
        let profile_only = check(&arn("us-east-1", SONNET_4), "us-east-1").unwrap_err();
        assert_eq!((profile_only.0, profile_only.1), (400, "ValidationException"));
        assert!(
            profile_only.2.contains(&format!("model ID {}", arn("us-east-1", SONNET_4))),
            "{}",
            profile_only.2
        );
    }

    #[test]
    fn inference_profile_arns_must_be_of_the_callers_region_and_account() {
        let arn = |region: &str, account: &str| {
            format!("arn:aws:bedrock:{region}:{account}:inference-profile/us.{SONNET_4}")
        };
        assert_eq!(check(&arn("us-east-1", ACCOUNT), "us-east-1"), Ok(()));
        assert_invalid(&arn("us-west-2", ACCOUNT), "us-east-1");
        assert_invalid(&arn("eu-central-1", ACCOUNT), "eu-central-1");
        let denied = check(&arn("us-east-1", "210987654321"), "us-east-1").unwrap_err();
        assert_eq!((denied.0, denied.1), (403, "AccessDeniedException"));
        assert!(
            denied.2.contains("bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:210987654321:")
        );
        assert_invalid(&arn("us-east-1", "not-an-account"), "us-east-1");
        assert_invalid(
            &format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{SONNET_4}"),
            "us-east-1",
        );
        assert_invalid(&format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/"), "us-east-1");
    }

    #[test]
    fn application_profile_arns_of_the_callers_account_and_region_exist() {
        let arn = |region: &str, account: &str, id: &str| {
            format!("arn:aws:bedrock:{region}:{account}:application-inference-profile/{id}")
        };
        assert_eq!(check(&arn("us-east-1", ACCOUNT, "a1b2c3"), "us-east-1"), Ok(()));
        assert_eq!(check(&arn("eu-central-1", ACCOUNT, "abc123def456"), "eu-central-1"), Ok(()));
        assert_invalid(&arn("us-west-2", ACCOUNT, "a1b2c3"), "us-east-1");
        let denied = check(&arn("us-east-1", "210987654321", "a1b2c3"), "us-east-1").unwrap_err();
        assert_eq!((denied.0, denied.1), (403, "AccessDeniedException"));
        assert_invalid(&arn("us-east-1", ACCOUNT, "A1B2C3"), "us-east-1");
        assert_invalid(&arn("us-east-1", ACCOUNT, &"a".repeat(65)), "us-east-1");
        assert_invalid(&arn("us-east-1", ACCOUNT, ""), "us-east-1");
        assert_invalid(&format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/a1b2c3"), "us-east-1");
        assert_invalid("arn:aws:bedrock:us-east-1", "us-east-1");
    }

    #[test]
    fn unknown_ids_are_invalid() {
        for id in
            ["no-such-model", "anthropic.claude-9-imaginary-v1:0", "us.no-such-model", "us.", "", "arn:"]
        {
            assert_invalid(id, "us-east-1");
        }
        assert_invalid(HAIKU_3, "xx-nowhere-1");
        let too_long = check(&"a".repeat(MAX_MODEL_ID + 1), "us-east-1").unwrap_err();
        assert!(too_long.2.contains("Member must have length less than or equal to 2048"));
    }

    #[test]
    fn end_of_life_models_are_gone_everywhere() {
        let gone = (404, "ResourceNotFoundException", END_OF_LIFE.to_owned());
        for id in [
            "anthropic.claude-3-sonnet-20240229-v1:0",
            "us.anthropic.claude-3-sonnet-20240229-v1:0",
            "anthropic.claude-v2",
            "anthropic.claude-instant-v1",
            "cohere.command-text-v14",
        ] {
            assert_eq!(check(id, "us-east-1"), Err(gone.clone()), "{id}");
            assert_eq!(check(id, "eu-central-1"), Err(gone.clone()), "{id}");
        }
        assert!(offered_in("us-east-1").iter().all(|(m, _)| m.lifecycle != Lifecycle::EndOfLife));
        assert!(profiles_usable_from("us-east-1").iter().all(|p| p.model.lifecycle != Lifecycle::EndOfLife));
    }

    #[test]
    fn the_regions_the_test_suite_relies_on() {
        let regions = |id: &str| {
            let mut all: Vec<&str> = COMMERCIAL
                .iter()
                .copied()
                .filter(|r| find(id).unwrap().inference_type_in(r).is_some())
                .collect();
            all.sort_unstable();
            all
        };
        assert_eq!(regions(OPUS_3), ["us-east-1", "us-west-2"], "Claude 3 Opus: US only");
        let sonnet_4 = find(SONNET_4).unwrap();
        assert!(sonnet_4.on_demand.is_empty(), "Claude Sonnet 4: profiles only");
        let prefixes: Vec<&str> = sonnet_4.profiles.iter().map(|p| p.prefix).collect();
        assert_eq!(prefixes, ["us", "eu", "apac", "global"]);
        let premier = find(NOVA_PREMIER).unwrap();
        assert!(premier.on_demand.is_empty());
        assert_eq!(
            premier.profiles,
            [Profile {
                prefix: "us",
                sources: &["us-east-1", "us-east-2", "us-west-2"],
                destinations: &["us-east-1", "us-east-2", "us-west-2"],
            }]
        );
        let listed: Vec<(&str, InferenceType)> =
            offered_in("us-east-1").iter().map(|(m, t)| (m.id, *t)).collect();
        assert!(listed.contains(&(NOVA_PREMIER, InferenceType::InferenceProfile)));
        assert!(listed.contains(&(HAIKU_3, InferenceType::OnDemand)));
        assert!(listed.contains(&(OPUS_3, InferenceType::InferenceProfile)));
        let opus_profiles: Vec<String> = profiles_usable_from("us-east-1")
            .iter()
            .filter(|p| p.model.id == OPUS_3)
            .map(|p| p.id())
            .collect();
        assert_eq!(opus_profiles, [format!("us.{OPUS_3}")]);
        assert!(profiles_usable_from("us-east-1").len() > 8, "ListInferenceProfiles spans several pages");
    }

    #[test]
    fn every_model_the_server_names_is_in_the_table() {
        for id in [
            "ai21.jamba-1-5-large-v1:0",
            "amazon.nova-2-lite-v1:0",
            "amazon.nova-lite-v1:0",
            "amazon.nova-micro-v1:0",
            "amazon.nova-pro-v1:0",
            "amazon.titan-text-express-v1",
            "amazon.titan-text-lite-v1",
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "anthropic.claude-3-opus-20240229-v1:0",
            "anthropic.claude-3-sonnet-20240229-v1:0",
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            "anthropic.claude-opus-4-6-v1",
            "anthropic.claude-sonnet-4-20250514-v1:0",
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "cohere.command-r-plus-v1:0",
            "cohere.command-r-v1:0",
            "deepseek.r1-v1:0",
            "meta.llama3-1-70b-instruct-v1:0",
            "meta.llama3-70b-instruct-v1:0",
            "meta.llama3-8b-instruct-v1:0",
            "mistral.mistral-7b-instruct-v0:2",
            "mistral.mistral-large-2402-v1:0",
            "openai.gpt-oss-120b-1:0",
            NOVA_PREMIER,
        ] {
            assert!(find(id).is_some(), "{id}");
        }
    }

    #[test]
    fn the_table_is_consistent() {
        let mut ids: Vec<&str> = models().iter().map(|m| m.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), models().len(), "model ids are unique");
        for model in models() {
            match model.output {
                ["TEXT"] => assert!(model.streaming, "{}: text streams", model.id),
                ["EMBEDDING"] => assert!(!model.streaming, "{}: vectors do not stream", model.id),
                other => panic!("{}: unexpected output {other:?}", model.id),
            }
            let mut prefixes: Vec<&str> = model.profiles.iter().map(|p| p.prefix).collect();
            prefixes.sort_unstable();
            prefixes.dedup();
            assert_eq!(prefixes.len(), model.profiles.len(), "{}: one profile per prefix", model.id);
            for profile in model.profiles {
                let id = format!("{}.{}", profile.prefix, model.id);
                assert!(PREFIXES.contains(&profile.prefix), "{id}");
                assert!(!profile.sources.is_empty() && !profile.destinations.is_empty(), "{id}");
                let geography: fn(&str) -> bool = match profile.prefix {
                    "us" => |r| r.starts_with("us-") && !r.starts_with("us-gov-"),
                    "us-gov" => |r| r.starts_with("us-gov-"),
                    "eu" => |r| r.starts_with("eu-"),
                    "apac" | "jp" | "au" => |r| r.starts_with("ap-"),
                    "ca" => |r| r.starts_with("ca-"),
                    _ => |r| COMMERCIAL.contains(&r),
                };
                for region in profile.sources.iter().chain(profile.destinations) {
                    assert!(geography(region), "{id}: {region} is outside its geography");
                }
                if model.lifecycle == Lifecycle::EndOfLife {
                    continue;
                }
                for destination in profile.destinations {
                    assert!(
                        model.inference_type_in(destination).is_some(),
                        "{id} routes to {destination}, which does not offer {}",
                        model.id
                    );
                }
                for source in profile.sources {
                    assert_eq!(check(&id, source), Ok(()), "{id} from {source}");
                }
            }
            for region in model.on_demand {
                let expected =
                    if model.lifecycle == Lifecycle::EndOfLife { Err(end_of_life()) } else { Ok(()) };
                assert_eq!(check(model.id, region), expected, "{} on demand in {region}", model.id);
            }
        }
    }

    #[test]
    fn profiles_list_their_member_models_per_destination() {
        let from_virginia = profiles_usable_from("us-east-1");
        let us_haiku = from_virginia.iter().find(|p| p.id() == format!("us.{HAIKU_3}")).unwrap();
        assert_eq!(
            us_haiku.member_arns("us-east-1"),
            ["us-east-1", "us-east-2", "us-west-2"]
                .map(|r| format!("arn:aws:bedrock:{r}::foundation-model/{HAIKU_3}"))
        );
        assert_eq!(
            us_haiku.arn("us-east-1", ACCOUNT),
            format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{HAIKU_3}")
        );
        let global = from_virginia.iter().find(|p| p.id() == format!("global.{SONNET_4}")).unwrap();
        assert_eq!(
            global.member_arns("us-east-1"),
            [
                format!("arn:aws:bedrock:us-east-1::foundation-model/{SONNET_4}"),
                format!("arn:aws:bedrock:::foundation-model/{SONNET_4}"),
            ]
        );
        assert!(!from_virginia.iter().any(|p| p.profile.prefix == "eu"), "eu profiles are not callable here");
        let from_frankfurt: Vec<String> =
            profiles_usable_from("eu-central-1").iter().map(|p| p.id()).collect();
        assert!(
            from_frankfurt.contains(&format!("eu.{SONNET_4}"))
                && from_frankfurt.contains(&format!("global.{SONNET_4}"))
        );
        assert!(!from_frankfurt.iter().any(|id| id.ends_with(OPUS_3)));
    }

    #[test]
    fn embedding_models_are_listed_and_invocable_but_do_not_chat() {
        const TITAN_V2: &str = "amazon.titan-embed-text-v2:0";
        const COHERE_V4: &str = "cohere.embed-v4:0";
        const NOVA_EMBED: &str = "amazon.nova-2-multimodal-embeddings-v1:0";
        for region in ["us-east-1", "us-west-2"] {
            let listed: Vec<&str> = offered_in(region).iter().map(|(m, _)| m.id).collect();
            for id in [TITAN_V2, "amazon.titan-embed-text-v1", "cohere.embed-english-v3", COHERE_V4] {
                assert!(listed.contains(&id), "{id} in {region}");
            }
            assert_eq!(check(TITAN_V2, region), Ok(()), "{region}");
            assert_eq!(check("cohere.embed-multilingual-v3", region), Ok(()), "{region}");
            assert_eq!(check(&format!("us.{COHERE_V4}"), region), Ok(()), "{region}");
            assert_eq!(check(&format!("global.{COHERE_V4}"), region), Ok(()), "{region}");
            // Cohere Embed v4 is served through its profiles only.
            assert_eq!(check(COHERE_V4, region).unwrap_err().1, "ValidationException");
        }
        assert_eq!(check(NOVA_EMBED, "us-east-1"), Ok(()));
        assert_invalid(NOVA_EMBED, "us-west-2");
        assert_eq!(check(&format!("eu.{COHERE_V4}"), "eu-west-1"), Ok(()));

        let nova = find(NOVA_EMBED).unwrap();
        assert_eq!(nova.input, ["TEXT", "IMAGE"]);
        assert_eq!(nova.output, ["EMBEDDING"]);
        assert!(!nova.streaming);
        let not_chat = Err((400, "ValidationException", NOT_A_CHAT_MODEL.to_owned()));
        assert_eq!(check_chat(TITAN_V2), not_chat);
        assert_eq!(check_chat(&format!("global.{COHERE_V4}")), not_chat);
        let titan_arn = format!("arn:aws:bedrock:us-east-1::foundation-model/{TITAN_V2}");
        assert_eq!(check_chat(&titan_arn), not_chat);
        assert_eq!(check_chat(HAIKU_3), Ok(()));
        assert_eq!(check_chat(&format!("us.{SONNET_4}")), Ok(()));
        let application = format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/a1b2c3");
        assert_eq!(check_chat(&application), Ok(()), "an application profile hides its model");
    }

    #[test]
    fn resolve_model_names_the_prefix_and_the_base_model() {
        assert_eq!(resolve_model(HAIKU_3), Some((None, HAIKU_3)));
        assert_eq!(resolve_model(&format!("us.{SONNET_4}")), Some((Some("us"), SONNET_4)));
        assert_eq!(
            resolve_model(&format!(
                "arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/global.{SONNET_4}"
            )),
            Some((Some("global"), SONNET_4))
        );
        let foundation = format!("arn:aws:bedrock:us-east-1::foundation-model/{HAIKU_3}");
        assert_eq!(resolve_model(&foundation), Some((None, HAIKU_3)));
        let application = format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/a1b2c3");
        assert_eq!(resolve_model(&application), None, "an application profile hides its model");
        assert_eq!(resolve_model("arn:nonsense"), None);
    }

    #[test]
    fn base_model_id_strips_profile_prefixes() {
        assert_eq!(base_model_id(&format!("us.{SONNET_4}")), SONNET_4);
        assert_eq!(base_model_id(&format!("us-gov.{SONNET_4_5}")), SONNET_4_5);
        assert_eq!(base_model_id("global.anthropic.claude-opus-4-6-v1"), "anthropic.claude-opus-4-6-v1");
        assert_eq!(base_model_id(HAIKU_3), HAIKU_3);
        assert_eq!(
            base_model_id("arn:aws:bedrock:us-east-1::foundation-model/x"),
            "arn:aws:bedrock:us-east-1::foundation-model/x"
        );
    }
}
