//! Prompt caching: whether the model routed to takes cache points, and where the server places its
//! own under `--prompt-cache auto`. The markers' request-wide rules (at most four, TTLs that do not
//! grow) are in [`crate::chat::validate::cache`].
//!
//! - A model without prompt caching gets no cache points: markers are left out and the log says so
//!   (Bedrock would refuse the request).
//! - Amazon Nova takes cache points in system and messages, not tools: markers on tools are left out.
//! - A one-hour TTL on a model that caches for five minutes only is a 400 naming the marker.
//! - With `--prompt-cache auto` and no markers in the request (and no `prompt_cache: "off"`), the
//!   server places points after the tools, after the system prompt and after the latest message.

use crate::catalog::features;
use crate::chat::validate::cache::{Section, markers};
use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// What the mapping does with cache points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CachePlan {
    /// Place the request's markers (in system and messages).
    pub markers: bool,
    /// Place markers on tools too.
    pub in_tools: bool,
    /// Place the server's own points (auto policy).
    pub auto: bool,
}

/// The plan for `request` routed to `model_id`; `server_auto` is `--prompt-cache auto`.
pub fn plan(request: &api::ChatCompletionRequest, model_id: &str, server_auto: bool) -> Result<CachePlan> {
    let markers = markers(request);
    let Some(support) = features::of(model_id).prompt_cache else {
        if !markers.is_empty() {
            tracing::info!(
                model = model_id,
                "cache_control left out: model {model_id:?} has no prompt caching on Bedrock ({} marker(s))",
                markers.len()
            );
        }
        return Ok(CachePlan::default());
    };
    if !support.one_hour
        && let Some(marker) = markers.iter().find(|m| m.minutes() == 60)
    {
        return Err(Error::invalid(
            format!("{}.ttl", marker.field),
            format!("model {model_id:?} caches for 5 minutes only; use \"5m\" or leave ttl out"),
        ));
    }
    if !support.in_tools && markers.iter().any(|m| m.section == Section::Tools) {
        tracing::info!(
            model = model_id,
            "cache_control on tools left out: model {model_id:?} caches system and messages only"
        );
    }
    let opted_out = request.prompt_cache.as_deref() == Some("off");
    Ok(CachePlan {
        markers: true,
        in_tools: support.in_tools,
        auto: server_auto && !opted_out && markers.is_empty(),
    })
}
