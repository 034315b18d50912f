//! Service tiers (`serviceTier: {type}`) and latency-optimized inference (`performanceConfig:
//! {latency}`), from the emulator's own tables of which models offer what where (written from
//! AWS's user guide, February 2026; only the models of the emulator's catalog are listed).
//!
//! | request | accepted when | otherwise (400 ValidationException) |
//! |---|---|---|
//! | `default` | always | |
//! | `priority`, `flex` | the model is in "Models and regions supported by Priority and Flex service tiers" and the caller's region is listed | emulator wording |
//! | `reserved` | a Reserved-tier profile (global., us., eu., us-gov. Claude Opus 4.6, Sonnet 4.5, Opus 4.5, Haiku 4.5) from a listed region | `Reservation not found.` (what Bedrock answers without a reservation) |
//! | another type | never | `service tier provided is invalid` |
//! | latency `standard` | always | |
//! | latency `optimized` | a `us.` profile of Nova Pro, Claude 3.5 Haiku or Llama 3.1 70B from a listed region | emulator wording |
//! | another latency | never | `... Member must satisfy enum value set: [optimized, standard]` |
//!
//! Sources: <https://docs.aws.amazon.com/bedrock/latest/userguide/service-tiers-inference.html>,
//! <https://docs.aws.amazon.com/bedrock/latest/userguide/latency-optimized-inference.html>; the
//! messages for an unknown tier, a missing reservation and an unknown latency are Bedrock's as
//! NousResearch/hermes-agent#34476 recorded them. An application inference profile (whose model the
//! emulator cannot tell) gets any tier and latency.

use super::answer::Fault;
use serde_json::Value;

/// What the request asked for, checked: the values to echo in the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Performance {
    /// `serviceTier.type`, when the request set it.
    pub service_tier: Option<&'static str>,
    /// `performanceConfig.latency`, when the request set `performanceConfig`.
    pub latency: Option<&'static str>,
}

/// Every service tier type.
const TIERS: &[&str] = &["priority", "default", "flex", "reserved"];

#[rustfmt::skip]
const GPT_OSS_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-2", "ap-northeast-1", "ap-south-1", "ap-southeast-3",
    "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "sa-east-1",
];
const NOVA_PREMIER_REGIONS: &[&str] = &["us-east-1", "us-east-2", "us-west-2"];
#[rustfmt::skip]
const NOVA_PRO_REGIONS: &[&str] = &[
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
    "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1",
];
#[rustfmt::skip]
const NOVA_2_REGIONS: &[&str] = &[
    "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];

/// Priority and Flex: (base model id, regions). The guide also lists Qwen3, DeepSeek-V3.1, Gemma,
/// Mistral, Kimi, MiniMax and Nemotron models, which the emulator's catalog does not have.
const PRIORITY_AND_FLEX: &[(&str, &[&str])] = &[
    ("openai.gpt-oss-120b-1:0", GPT_OSS_REGIONS),
    ("openai.gpt-oss-20b-1:0", GPT_OSS_REGIONS),
    ("amazon.nova-premier-v1:0", NOVA_PREMIER_REGIONS),
    ("amazon.nova-pro-v1:0", NOVA_PRO_REGIONS),
    ("amazon.nova-2-lite-v1:0", NOVA_2_REGIONS),
];

#[rustfmt::skip]
const RESERVED_OPUS_4_6_REGIONS: &[&str] = &[
    "af-south-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
    "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];
#[rustfmt::skip]
const RESERVED_CLAUDE_4_5_REGIONS: &[&str] = &[
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    "ap-southeast-3", "ap-south-2", "ap-southeast-4", "ca-central-1", "eu-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-2", "eu-west-3", "sa-east-1",
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];
#[rustfmt::skip]
const RESERVED_SONNET_4_5_REGIONS: &[&str] = &[
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    "ap-southeast-3", "ap-south-2", "ap-southeast-4", "ca-central-1", "eu-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-2", "eu-west-3", "sa-east-1",
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-west-1",
];

/// The profiles Reserved capacity is bought for.
const RESERVED_PREFIXES: &[&str] = &["global", "us", "eu"];
/// Claude Sonnet 4.5's, GovCloud's included.
const RESERVED_SONNET_4_5_PREFIXES: &[&str] = &["global", "us", "eu", "us-gov"];

/// Reserved: (base model id, profile prefixes, regions).
const RESERVED: &[(&str, &[&str], &[&str])] = &[
    ("anthropic.claude-opus-4-6-v1", RESERVED_PREFIXES, RESERVED_OPUS_4_6_REGIONS),
    ("anthropic.claude-sonnet-4-5-20250929-v1:0", RESERVED_SONNET_4_5_PREFIXES, RESERVED_SONNET_4_5_REGIONS),
    ("anthropic.claude-opus-4-5-20251101-v1:0", RESERVED_PREFIXES, RESERVED_CLAUDE_4_5_REGIONS),
    ("anthropic.claude-haiku-4-5-20251001-v1:0", RESERVED_PREFIXES, RESERVED_CLAUDE_4_5_REGIONS),
];

const US_EAST: &[&str] = &["us-east-1", "us-east-2"];
const US_EAST_2_WEST_2: &[&str] = &["us-east-2", "us-west-2"];

/// Latency-optimized inference, through `us.` profiles: (base model id, regions). The guide also
/// lists Llama 3.1 405B, which the emulator's catalog does not have.
const LATENCY_OPTIMIZED: &[(&str, &[&str])] = &[
    ("amazon.nova-pro-v1:0", US_EAST),
    ("anthropic.claude-3-5-haiku-20241022-v1:0", US_EAST_2_WEST_2),
    ("meta.llama3-1-70b-instruct-v1:0", US_EAST_2_WEST_2),
];

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// Checks the request's service tier and latency against the model and the caller's region.
pub fn check(model_id: &str, region: &str, body: &Value) -> Result<Performance, Fault> {
    let model = super::world::resolve_model(model_id);
    let service_tier = match body.get("serviceTier") {
        None | Some(Value::Null) => None,
        Some(tier) => Some(check_tier(model, model_id, region, &tier["type"])?),
    };
    let latency = match body.get("performanceConfig") {
        None | Some(Value::Null) => None,
        Some(config) => Some(check_latency(model, model_id, region, &config["latency"])?),
    };
    Ok(Performance { service_tier, latency })
}

fn check_tier(
    model: Option<(Option<&str>, &str)>,
    model_id: &str,
    region: &str,
    kind: &Value,
) -> Result<&'static str, Fault> {
    if kind.is_null() {
        return Err(invalid(
            "1 validation error detected: Value null at 'serviceTier.type' failed to satisfy constraint: \
             Member must not be null",
        ));
    }
    let requested = kind.as_str().unwrap_or_default();
    let Some(tier) = TIERS.iter().copied().find(|t| *t == requested) else {
        return Err(invalid("service tier provided is invalid"));
    };
    let Some((prefix, base)) = model else { return Ok(tier) };
    let offered = match tier {
        "priority" | "flex" => {
            PRIORITY_AND_FLEX.iter().any(|(id, regions)| *id == base && regions.contains(&region))
        }
        "reserved" => {
            let reserved = RESERVED.iter().any(|(id, prefixes, regions)| {
                *id == base && prefix.is_some_and(|p| prefixes.contains(&p)) && regions.contains(&region)
            });
            if !reserved {
                return Err(invalid("Reservation not found."));
            }
            true
        }
        _ => true,
    };
    if !offered {
        return Err(invalid(format!(
            "The {tier} service tier isn't supported for the model {model_id} in {region}. Use the default \
             service tier or a model and Region that support it."
        )));
    }
    Ok(tier)
}

fn check_latency(
    model: Option<(Option<&str>, &str)>,
    model_id: &str,
    region: &str,
    latency: &Value,
) -> Result<&'static str, Fault> {
    let latency = match latency {
        // The field is optional; without it a request is served at standard latency.
        Value::Null => return Ok("standard"),
        value => value.as_str().unwrap_or_default(),
    };
    match latency {
        "standard" => Ok("standard"),
        "optimized" => {
            let offered = model.is_none_or(|(prefix, base)| {
                prefix == Some("us")
                    && LATENCY_OPTIMIZED.iter().any(|(id, regions)| *id == base && regions.contains(&region))
            });
            if offered {
                Ok("optimized")
            } else {
                Err(invalid(format!(
                    "Latency-optimized inference isn't supported for the model {model_id} in {region}. Set \
                     performanceConfig.latency to standard, or use a model and Region that support it."
                )))
            }
        }
        other => Err(invalid(format!(
            "1 validation error detected: Value '{other}' at 'performanceConfig.latency' failed to satisfy \
             constraint: Member must satisfy enum value set: [optimized, standard]"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tier(model: &str, region: &str, kind: &str) -> Result<Option<&'static str>, String> {
        check(model, region, &json!({"serviceTier": {"type": kind}})).map(|p| p.service_tier).map_err(|f| f.2)
    }

    fn latency(model: &str, region: &str, latency: &str) -> Result<Option<&'static str>, String> {
        check(model, region, &json!({"performanceConfig": {"latency": latency}}))
            .map(|p| p.latency)
            .map_err(|f| f.2)
    }

    #[test]
    fn nothing_requested_nothing_echoed() {
        assert_eq!(
            check("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", &json!({})),
            Ok(Performance::default())
        );
    }

    #[test]
    fn priority_and_flex_where_aws_offers_them() {
        assert_eq!(tier("openai.gpt-oss-120b-1:0", "us-east-1", "flex"), Ok(Some("flex")));
        assert_eq!(tier("amazon.nova-pro-v1:0", "us-east-1", "priority"), Ok(Some("priority")));
        assert_eq!(tier("us.amazon.nova-pro-v1:0", "us-east-2", "flex"), Ok(Some("flex")));
        assert_eq!(tier("global.amazon.nova-2-lite-v1:0", "ca-central-1", "priority"), Ok(Some("priority")));
        let claude = tier("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", "flex").unwrap_err();
        assert!(claude.contains("flex service tier isn't supported"), "{claude}");
        assert!(tier("openai.gpt-oss-120b-1:0", "ca-central-1", "priority").is_err(), "not in that region");
        assert!(tier("us.amazon.nova-premier-v1:0", "eu-west-1", "flex").is_err());
        let any_model = ["anthropic.claude-3-haiku-20240307-v1:0", "meta.llama3-8b-instruct-v1:0"];
        for model in any_model {
            assert_eq!(tier(model, "us-east-1", "default"), Ok(Some("default")));
        }
    }

    #[test]
    fn reserved_needs_a_reserved_tier_profile() {
        assert_eq!(
            tier("global.anthropic.claude-opus-4-6-v1", "us-east-1", "reserved"),
            Ok(Some("reserved"))
        );
        assert_eq!(
            tier("us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0", "us-gov-west-1", "reserved"),
            Ok(Some("reserved"))
        );
        for (model, region) in [
            ("anthropic.claude-opus-4-6-v1", "us-east-1"),
            ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "ap-northeast-1"),
            ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "us-gov-west-1"),
            ("openai.gpt-oss-120b-1:0", "us-east-1"),
        ] {
            assert_eq!(tier(model, region, "reserved"), Err("Reservation not found.".into()), "{model}");
        }
    }

    #[test]
    fn unknown_or_missing_values_are_refused() {
        assert_eq!(
            tier("openai.gpt-oss-120b-1:0", "us-east-1", "cheapest"),
            Err("service tier provided is invalid".into())
        );
        let missing = check("openai.gpt-oss-120b-1:0", "us-east-1", &json!({"serviceTier": {}})).unwrap_err();
        assert!(missing.2.contains("'serviceTier.type'") && missing.2.contains("must not be null"));
        let turbo = latency("us.amazon.nova-pro-v1:0", "us-east-1", "turbo").unwrap_err();
        assert!(turbo.ends_with("Member must satisfy enum value set: [optimized, standard]"), "{turbo}");
    }

    #[test]
    fn latency_optimized_through_us_profiles_where_offered() {
        assert_eq!(latency("us.amazon.nova-pro-v1:0", "us-east-1", "optimized"), Ok(Some("optimized")));
        assert_eq!(
            latency("us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-west-2", "optimized"),
            Ok(Some("optimized"))
        );
        assert_eq!(
            latency("us.meta.llama3-1-70b-instruct-v1:0", "us-east-2", "optimized"),
            Ok(Some("optimized"))
        );
        for (model, region) in [
            ("amazon.nova-pro-v1:0", "us-east-1"),
            ("us.amazon.nova-pro-v1:0", "us-west-2"),
            ("us.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1"),
        ] {
            let refused = latency(model, region, "optimized").unwrap_err();
            assert!(refused.starts_with("Latency-optimized inference isn't supported"), "{model}: {refused}");
        }
        assert_eq!(
            latency("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", "standard"),
            Ok(Some("standard"))
        );
        let unset = check("amazon.nova-pro-v1:0", "us-east-1", &json!({"performanceConfig": {}})).unwrap();
        assert_eq!(unset.latency, Some("standard"));
    }

    #[test]
    fn application_profiles_get_anything() {
        let arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3";
        assert_eq!(tier(arn, "us-east-1", "flex"), Ok(Some("flex")));
        assert_eq!(latency(arn, "us-east-1", "optimized"), Ok(Some("optimized")));
        let profile_arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0";
        assert_eq!(latency(profile_arn, "us-east-1", "optimized"), Ok(Some("optimized")));
    }
}
