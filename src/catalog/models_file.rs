//! The models file (TOML, `--models-file`): aliases, an allow-list, fallback regions and per-family
//! defaults for requests that leave `max_tokens` or `temperature` unset.
//!
//! ```toml
//! # Only these may be called (ids or aliases); anything else is NOT_FOUND. Omit to allow all.
//! allow = ["claude-3-haiku", "anthropic.claude-3-5-sonnet-20240620-v1:0"]
//! # Where to send a model the server's region does not offer (and no profile serves).
//! fallback_regions = ["us-west-2"]
//!
//! [aliases]
//! "claude-3-haiku" = "anthropic.claude-3-haiku-20240307-v1:0"
//! "gpt-4o-mini" = "anthropic.claude-3-haiku-20240307-v1:0"
//!
//! # When a model is throttled or unavailable once its retries are spent, try these next, in
//! # order: another model ("id" or alias), the same model in another region ("@us-west-2"), or
//! # both ("amazon.nova-lite-v1:0@us-east-1"). A stream fails over only before it has started.
//! [failover]
//! "claude-3-haiku" = ["@us-west-2", "amazon.nova-lite-v1:0"]
//!
//! # Keyed by provider (the id's first part: anthropic, amazon, meta, mistral, cohere, ai21, deepseek).
//! [defaults.anthropic]
//! max_tokens = 1024
//! temperature = 0.5
//! ```

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The parsed models file. The default is empty: no aliases, everything allowed, no defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelsFile {
    /// Allowed model ids and aliases; `None` allows everything.
    #[serde(default)]
    pub allow: Option<Vec<String>>,
    /// Regions to try, in order, for a model the home region does not offer.
    #[serde(default)]
    pub fallback_regions: Vec<String>,
    /// Alias -> model id (or profile id, or ARN).
    #[serde(default)]
    pub aliases: HashMap<String, String>,
    /// Provider -> defaults.
    #[serde(default)]
    pub defaults: HashMap<String, Defaults>,
    /// Model id or alias -> where to go next when it is throttled or unavailable, in order.
    #[serde(default)]
    pub failover: HashMap<String, Vec<FailoverTarget>>,
}

/// One step of a failover chain: another model, the same model in another region, or both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct FailoverTarget {
    /// The model (id or alias); `None`: the model the request named.
    pub model: Option<String>,
    /// The region; `None`: wherever routing sends the model.
    pub region: Option<String>,
}

/// The longest failover chain a model may have.
pub const MAX_FAILOVER_TARGETS: usize = 8;

impl TryFrom<String> for FailoverTarget {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let (model, region) = match text.split_once('@') {
            Some((model, region)) => (model, Some(region)),
            None => (text.as_str(), None),
        };
        if let Some(region) = region
            && !crate::config::parse::is_region_name(region)
        {
            return Err(format!("{text:?}: {region:?} is not a region name (like us-west-2)"));
        }
        if model.is_empty() && region.is_none() {
            return Err("an empty failover target; write \"model\", \"model@region\" or \"@region\"".into());
        }
        Ok(FailoverTarget {
            model: (!model.is_empty()).then(|| model.to_owned()),
            region: region.map(str::to_owned),
        })
    }
}

/// Defaults applied when a request leaves a setting unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// `max_tokens`.
    pub max_tokens: Option<u32>,
    /// `temperature`.
    pub temperature: Option<f64>,
}

impl ModelsFile {
    /// Reads and checks a models file; errors name the file and the problem.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("--models-file {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("--models-file {}: {e}", path.display()))
    }

    /// Parses models-file text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ModelsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for (alias, target) in &file.aliases {
            if file.aliases.contains_key(target) {
                return Err(format!(
                    "alias {alias:?} points at another alias ({target:?}); point it at a model id"
                ));
            }
        }
        for (model, chain) in &file.failover {
            if chain.len() > MAX_FAILOVER_TARGETS {
                return Err(format!(
                    "failover.{model:?} has {} targets; at most {MAX_FAILOVER_TARGETS}",
                    chain.len()
                ));
            }
        }
        for (family, defaults) in &file.defaults {
            if defaults.max_tokens == Some(0) {
                return Err(format!("defaults.{family}.max_tokens must be at least 1"));
            }
            let range = crate::chat::validate::TEMPERATURE;
            if defaults.temperature.is_some_and(|t| !range.contains(&t)) {
                let (low, high) = range.into_inner();
                return Err(format!("defaults.{family}.temperature must be within {low}..={high}"));
            }
        }
        Ok(file)
    }

    /// The model id an alias (or Anthropic's name for a model) stands for, or the id itself. An
    /// alias may point at an Anthropic name.
    pub fn resolve<'a>(&'a self, requested: &'a str) -> &'a str {
        let target = self.aliases.get(requested).map(String::as_str).unwrap_or(requested);
        super::anthropic_names::bedrock_id(target).unwrap_or(target)
    }

    /// The failover chain of `requested` (by the name asked for, else the id it resolves to).
    pub fn failover(&self, requested: &str) -> &[FailoverTarget] {
        self.failover
            .get(requested)
            .or_else(|| self.failover.get(self.resolve(requested)))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether `requested` (or what it resolves to) is allowed.
    pub fn allows(&self, requested: &str) -> bool {
        match &self.allow {
            None => true,
            Some(allowed) => {
                let resolved = self.resolve(requested);
                allowed
                    .iter()
                    .any(|entry| entry == requested || entry == resolved || self.resolve(entry) == resolved)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
        allow = ["claude-3-haiku"]
        fallback_regions = ["us-west-2"]
        [aliases]
        "claude-3-haiku" = "anthropic.claude-3-haiku-20240307-v1:0"
        [defaults.anthropic]
        max_tokens = 1024
        temperature = 0.5
    "#;

    #[test]
    fn aliases_allow_list_and_defaults() {
        let file = ModelsFile::parse(EXAMPLE).unwrap();
        assert_eq!(file.resolve("claude-3-haiku"), "anthropic.claude-3-haiku-20240307-v1:0");
        assert_eq!(file.resolve("other"), "other");
        assert!(file.allows("claude-3-haiku"));
        assert!(file.allows("anthropic.claude-3-haiku-20240307-v1:0"), "the id an allowed alias names");
        assert!(!file.allows("anthropic.claude-3-opus-20240229-v1:0"));
        assert_eq!(file.defaults["anthropic"], Defaults { max_tokens: Some(1024), temperature: Some(0.5) });
        assert!(ModelsFile::default().allows("anything"));
    }

    #[test]
    fn mistakes_are_named() {
        assert!(ModelsFile::parse("alow = []").unwrap_err().contains("alow"));
        assert!(
            ModelsFile::parse("[defaults.meta]\nmax_tokens = 0")
                .unwrap_err()
                .contains("defaults.meta.max_tokens")
        );
        assert!(ModelsFile::parse("[aliases]\na = \"b\"\nb = \"c\"").unwrap_err().contains("another alias"));
        assert!(
            ModelsFile::parse("[failover]\nm = [\"x@Mars\"]")
                .unwrap_err()
                .contains("\"Mars\" is not a region")
        );
        assert!(ModelsFile::parse("[failover]\nm = [\"\"]").unwrap_err().contains("empty failover target"));
        let long = format!("[failover]\nm = [{}]", ["\"@us-west-2\""; 9].join(","));
        assert!(ModelsFile::parse(&long).unwrap_err().contains("at most 8"));
    }

    #[test]
    fn failover_chains_name_models_regions_or_both() {
        let file = ModelsFile::parse(
            "[aliases]\nfast = \"a.b\"\n[failover]\n\"a.b\" = [\"@us-west-2\", \"c.d\", \"e.f@eu-west-1\"]",
        )
        .unwrap();
        let chain = file.failover("fast");
        assert_eq!(chain.len(), 3, "found through the alias");
        assert_eq!(chain[0], FailoverTarget { model: None, region: Some("us-west-2".into()) });
        assert_eq!(chain[1], FailoverTarget { model: Some("c.d".into()), region: None });
        assert_eq!(chain[2], FailoverTarget { model: Some("e.f".into()), region: Some("eu-west-1".into()) });
        assert!(file.failover("other").is_empty());
    }
}
