//! Fault and timing directives: `[[emulator:NAME]]` or `[[emulator:NAME=VALUE]]` anywhere in the
//! last user message. They let any client (an OpenAI SDK included) drive the emulator's failure
//! modes through the prompt. The directives are removed from the text the emulator echoes.
//!
//! InvokeModel on an embedding model reads them from its input texts (`inputText`, `texts`, ...):
//! there the faults (scoped alike) and `delay` apply, and the vectors are those of the text without
//! them.
//!
//! | directive | effect |
//! |---|---|
//! | `throttle` | HTTP 429 `ThrottlingException` |
//! | `quota` | HTTP 400 `ServiceQuotaExceededException` |
//! | `access-denied` | HTTP 403 `AccessDeniedException` |
//! | `invalid-token` | HTTP 403 `UnrecognizedClientException` (the security token is invalid) |
//! | `expired-token` | HTTP 403 `ExpiredTokenException` |
//! | `unavailable` | HTTP 503 `ServiceUnavailableException` |
//! | `model-not-ready` | HTTP 429 `ModelNotReadyException` |
//! | `internal-error` | HTTP 500 `InternalServerException` |
//! | `model-timeout` | HTTP 408 `ModelTimeoutException` |
//! | `validation=MESSAGE` | HTTP 400 `ValidationException` with that message |
//! | `stream-error` / `stream-error=throttling` | ConverseStream: a few events, then an exception frame (`modelStreamErrorException`, or `throttlingException`) |
//! | `stream-cut` | ConverseStream: a few events, then the connection closes without `messageStop` |
//! | `delay=500ms` | wait before answering (also `2s`) |
//! | `slow-stream=50ms` | wait between stream events |
//! | `guardrail` | stop reason `guardrail_intervened` (with `guardrailConfig.trace` on, a trace of the blocked input) |
//! | `content-filtered` | stop reason `content_filtered` |
//! | `cache` | usage reports prompt-cache read and write tokens |
//! | `off-schema` | tool inputs and structured answers ignore their schema (`{"unexpected": true}`) |
//! | `words=N` | answer with exactly N words (fixed-size answers for benchmarks) |
//!
//! Faults (the exceptions above, `stream-error`, `stream-cut`) can be scoped, to prove retries and
//! failover:
//!
//! | scope | the faults apply only |
//! |---|---|
//! | `times=N` | to the first N requests with this body (then the emulator answers normally) |
//! | `region=R` or `region=R1,R2` | to requests signed for these regions |
//! | `model=TEXT` | to model ids that contain TEXT |

use std::time::Duration;

/// The directives found in a prompt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directives {
    /// An exception to answer with instead of a result: (HTTP status, exception name, message).
    pub fault: Option<(u16, &'static str, String)>,
    /// An exception frame to send mid-stream: the event-stream exception type.
    pub stream_error: Option<&'static str>,
    /// Close the stream mid-way without an exception frame.
    pub stream_cut: bool,
    /// Wait before answering.
    pub delay: Option<Duration>,
    /// Wait between stream events.
    pub event_delay: Option<Duration>,
    /// Override the stop reason.
    pub stop_reason: Option<&'static str>,
    /// Report cache tokens in usage.
    pub cache: bool,
    /// Answer JSON (tool input, structured output) that ignores the schema.
    pub off_schema: bool,
    /// Answer with exactly this many words.
    pub words: Option<usize>,
    /// Where the faults apply.
    pub scope: Scope,
}

/// Where a prompt's faults apply; everywhere by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Only the first N requests with the same body.
    pub times: Option<u32>,
    /// Only these regions.
    pub regions: Vec<String>,
    /// Only model ids containing this.
    pub model: Option<String>,
}

impl Directives {
    /// Whether there is a fault to scope.
    pub fn has_fault(&self) -> bool {
        self.fault.is_some() || self.stream_error.is_some() || self.stream_cut
    }

    /// Takes the faults away (the request is out of their scope).
    pub fn disarm(&mut self) {
        self.fault = None;
        self.stream_error = None;
        self.stream_cut = false;
    }
}

const OPEN: &str = "[[emulator:";
const CLOSE: &str = "]]";

/// Reads the directives out of `text`, returning them and the text without them.
pub fn parse(text: &str) -> Result<(Directives, String), String> {
    let mut directives = Directives::default();
    let mut rest = text;
    let mut clean = String::with_capacity(text.len());
    while let Some(start) = rest.find(OPEN) {
        clean.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        let end =
            after.find(CLOSE).ok_or_else(|| format!("unterminated directive near {:?}", &rest[start..]))?;
        apply(&mut directives, after[..end].trim())?;
        rest = &after[end + CLOSE.len()..];
    }
    clean.push_str(rest);
    Ok((directives, clean.split_whitespace().collect::<Vec<_>>().join(" ")))
}

fn apply(directives: &mut Directives, directive: &str) -> Result<(), String> {
    let (name, value) =
        directive.split_once('=').map_or((directive, None), |(n, v)| (n.trim(), Some(v.trim())));
    let fault = |status, name, message: &str| Some((status, name, message.to_owned()));
    match (name, value) {
        ("throttle", None) => {
            directives.fault =
                fault(429, "ThrottlingException", "Too many requests, please wait before trying again.")
        }
        ("quota", None) => {
            directives.fault = fault(
                400,
                "ServiceQuotaExceededException",
                "Your request exceeds the service quota for your account.",
            )
        }
        ("access-denied", None) => {
            directives.fault = fault(
                403,
                "AccessDeniedException",
                "You don't have access to the model with the specified model ID.",
            )
        }
        ("invalid-token", None) => {
            directives.fault = fault(
                403,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        }
        ("expired-token", None) => {
            directives.fault =
                fault(403, "ExpiredTokenException", "The security token included in the request is expired")
        }
        ("unavailable", None) => {
            directives.fault =
                fault(503, "ServiceUnavailableException", "Bedrock is unable to process your request.")
        }
        ("model-not-ready", None) => {
            directives.fault =
                fault(429, "ModelNotReadyException", "Model is not ready to serve inference requests.")
        }
        ("internal-error", None) => {
            directives.fault =
                fault(500, "InternalServerException", "The server encountered an internal error.")
        }
        ("model-timeout", None) => {
            directives.fault =
                fault(408, "ModelTimeoutException", "Model has timed out in processing the request.")
        }
        ("validation", Some(message)) => directives.fault = fault(400, "ValidationException", message),
        ("stream-error", None) => directives.stream_error = Some("modelStreamErrorException"),
        ("stream-error", Some("throttling")) => directives.stream_error = Some("throttlingException"),
        ("stream-cut", None) => directives.stream_cut = true,
        ("delay", Some(value)) => directives.delay = Some(duration(value)?),
        ("slow-stream", Some(value)) => directives.event_delay = Some(duration(value)?),
        ("guardrail", None) => directives.stop_reason = Some("guardrail_intervened"),
        ("content-filtered", None) => directives.stop_reason = Some("content_filtered"),
        ("cache", None) => directives.cache = true,
        ("off-schema", None) => directives.off_schema = true,
        ("times", Some(value)) => {
            let times: u32 = value.parse().map_err(|_| format!("times={value}: not a number"))?;
            directives.scope.times = Some(times);
        }
        ("region", Some(value)) => {
            directives.scope.regions = value.split(',').map(|r| r.trim().to_owned()).collect();
        }
        ("model", Some(value)) if !value.is_empty() => directives.scope.model = Some(value.to_owned()),
        ("words", Some(value)) => {
            let words: usize = value.parse().map_err(|_| format!("words={value}: not a number"))?;
            if words > MAX_WORDS {
                return Err(format!("words={value}: at most {MAX_WORDS}"));
            }
            directives.words = Some(words);
        }
        _ => return Err(format!("unknown emulator directive {directive:?}")),
    }
    Ok(())
}

/// The longest answer `words=N` makes.
const MAX_WORDS: usize = 100_000;
/// The longest wait `delay` and `slow-stream` accept.
const MAX_WAIT: Duration = Duration::from_secs(600);

fn duration(value: &str) -> Result<Duration, String> {
    let wait = crate::config::parse_duration(value)?;
    if wait > MAX_WAIT {
        return Err(format!("{value}: at most {MAX_WAIT:?}"));
    }
    Ok(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_and_removed() {
        let (d, text) = parse("hello [[emulator:throttle]] world [[emulator:delay=250ms]]").unwrap();
        assert_eq!(text, "hello world");
        assert_eq!(d.fault.unwrap().1, "ThrottlingException");
        assert_eq!(d.delay, Some(Duration::from_millis(250)));
    }

    #[test]
    fn unknown_or_broken_directives_are_errors() {
        assert!(parse("[[emulator:explode]]").unwrap_err().contains("explode"));
        assert!(parse("[[emulator:throttle").is_err());
        assert!(parse("[[emulator:words=many]]").is_err());
        assert!(parse("[[emulator:words=10000000000]]").is_err());
        assert!(parse("[[emulator:delay=99999999999999999999h]]").is_err());
    }

    #[test]
    fn faults_can_be_scoped() {
        let (d, _) =
            parse("[[emulator:throttle]] [[emulator:times=2]] [[emulator:region=us-east-1,us-west-2]] [[emulator:model=haiku]]")
                .unwrap();
        assert_eq!(
            d.scope,
            Scope {
                times: Some(2),
                regions: vec!["us-east-1".into(), "us-west-2".into()],
                model: Some("haiku".into())
            }
        );
        assert!(parse("[[emulator:times=x]]").is_err());
    }

    #[test]
    fn plain_text_has_no_directives() {
        assert_eq!(parse("just text").unwrap(), (Directives::default(), "just text".into()));
    }
}
