//! Structured outputs: `response_format` (`json_object`, `json_schema`) and strict tools.
//!
//! - A model with Bedrock's native structured output gets the schema as `outputConfig.textFormat`.
//! - Any other model gets a tool whose input schema is the requested schema, and the tool's input
//!   comes back as the message `content` with `finish_reason: "stop"`: the caller never sees the
//!   tool. Alone, the tool is forced; beside the caller's tools, the model must call one of them or
//!   the answer tool (Converse's `any`), so it either calls a tool or answers in the schema.
//! - With Claude's thinking on, a forced tool is not allowed: such a request needs a model with
//!   native structured output, and is otherwise a 400 naming both fields.
//! - `strict: true` (on the schema, or on a tool) means the answer (or the tool call's arguments) is
//!   checked against the schema before it is returned; a mismatch is an error saying so. In a
//!   stream, whose content has gone out already, it is the stream's final error.

use crate::catalog::features;
use crate::chat::reasoning::Plan;
use crate::error::{Error, ErrorKind, Result};
use crate::proto::v1 as api;
use std::sync::Arc;

/// The name of the answer tool for `json_object`.
pub const JSON_OBJECT_TOOL: &str = "json_object";

/// How the answer's format is asked of Bedrock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// `outputConfig.textFormat` with this JSON Schema (as text).
    Native {
        /// The schema's name.
        name: String,
        /// What it describes.
        description: Option<String>,
        /// The schema, JSON text.
        schema: String,
    },
    /// An answer tool with this input schema.
    Tool {
        /// The tool's name (the schema's).
        name: String,
        /// What it describes.
        description: Option<String>,
        /// The schema, JSON text.
        schema: String,
        /// Alone (forced), or beside the caller's tools (`any`).
        forced: bool,
    },
}

/// The format, and what is checked before an answer is returned.
#[derive(Clone)]
pub struct Structured {
    /// How the format is asked for.
    pub format: Format,
    /// The answer's schema, when it is checked (`strict`, or any object for `json_object`).
    answer_check: Option<Arc<jsonschema::Validator>>,
    /// Strict tools' argument schemas, by tool name.
    tool_checks: Vec<(String, Arc<jsonschema::Validator>)>,
    /// Whether strict tools are sent as strict (models with native structured output).
    pub native_strict_tools: bool,
}

impl std::fmt::Debug for Structured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Structured").field("format", &self.format).finish_non_exhaustive()
    }
}

impl Structured {
    /// No format and no checks.
    pub fn plain() -> Self {
        Self { format: Format::Text, answer_check: None, tool_checks: Vec::new(), native_strict_tools: false }
    }

    /// The answer tool's name, when the format is a tool.
    pub fn answer_tool(&self) -> Option<&str> {
        match &self.format {
            Format::Tool { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Checks a finished answer: its content against the schema, strict tools' arguments against
    /// theirs.
    pub fn check(&self, content: Option<&str>, tool_calls: &[api::ToolCall]) -> Result<()> {
        if let Some(validator) = &self.answer_check {
            let text = content.unwrap_or_default();
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                mismatch(format!("the answer is not the JSON that response_format asks for: {e}"))
            })?;
            if let Some(error) = validator.iter_errors(&value).next() {
                return Err(mismatch(format!(
                    "the answer does not match response_format's schema: {error} ({})",
                    location(&error.instance_path().to_string())
                )));
            }
        }
        for call in tool_calls {
            let Some(function) = &call.function else { continue };
            let Some((_, validator)) = self.tool_checks.iter().find(|(name, _)| *name == function.name)
            else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(&function.arguments).unwrap_or_default();
            if let Some(error) = validator.iter_errors(&value).next() {
                return Err(mismatch(format!(
                    "the arguments of the call to {:?} do not match its strict schema: {error} ({})",
                    function.name,
                    location(&error.instance_path().to_string())
                )));
            }
        }
        Ok(())
    }
}

/// Where in the JSON a mismatch is: a JSON pointer, or the top level.
fn location(pointer: &str) -> String {
    if pointer.is_empty() { "at the top level".to_owned() } else { format!("at {pointer}") }
}

fn mismatch(message: String) -> Error {
    Error::new(ErrorKind::SchemaMismatch, message)
}

/// The plan for `request` routed to `model_id`, reasoning as `reasoning` says.
pub fn plan(request: &api::ChatCompletionRequest, model_id: &str, reasoning: &Plan) -> Result<Structured> {
    let native = features::of(model_id).native_structured_output;
    let tool_checks = strict_tools(&request.tools)?;
    let mut structured = Structured { native_strict_tools: native, tool_checks, ..Structured::plain() };
    let Some(api::ResponseFormat { r#type, json_schema }) = &request.response_format else {
        return Ok(structured);
    };
    let (name, description, schema, strict) = match (r#type.as_str(), json_schema) {
        ("json_object", _) => (JSON_OBJECT_TOOL.to_owned(), None, r#"{"type":"object"}"#.to_owned(), true),
        ("json_schema", Some(api::JsonSchema { name, description, schema, schema_json, strict })) => {
            let schema = match (schema, schema_json) {
                (Some(schema), _) => struct_to_json(schema),
                (None, Some(text)) => text.clone(),
                (None, None) => "{}".to_owned(),
            };
            (name.clone(), description.clone(), schema, strict.unwrap_or(false))
        }
        _ => return Ok(structured),
    };
    if strict {
        structured.answer_check = Some(compile("response_format.json_schema.schema", &schema)?);
    }
    let claude = matches!(
        features::of(model_id).reasoning,
        Some(features::Reasoning::AnthropicBudget | features::Reasoning::AnthropicAdaptive)
    );
    let thinking = reasoning.is_claude_thinking() || (claude && *reasoning == Plan::Raw);
    structured.format = if native {
        Format::Native { name, description, schema }
    } else {
        if thinking {
            return Err(Error::invalid(
                "response_format",
                format!(
                    "model {model_id:?} has no native structured output, and with reasoning on Claude cannot be made \
                     to answer through a tool: leave out reasoning_effort, or use a model with native structured \
                     output (Claude Haiku 4.5, Sonnet 4.5, Opus 4.5 or 4.6)"
                ),
            ));
        }
        if request.tools.iter().any(|t| t.function.as_ref().is_some_and(|f| f.name == name)) {
            return Err(Error::invalid(
                "response_format.json_schema.name",
                format!(
                    "{name:?} is also the name of one of `tools`; the answer's schema needs its own name"
                ),
            ));
        }
        use api::tool_choice::Choice;
        let choice = request.tool_choice.as_ref().and_then(|c| c.choice.as_ref());
        let user_tools_on =
            !request.tools.is_empty() && !matches!(choice, Some(Choice::Mode(m)) if m == "none");
        let forced_by_caller = matches!(choice, Some(Choice::Function(_)))
            || matches!(choice, Some(Choice::Mode(mode)) if mode == "required");
        if user_tools_on && forced_by_caller {
            return Err(Error::invalid(
                "tool_choice",
                format!(
                    "model {model_id:?} gives structured output through a tool, so with response_format the tool \
                     choice can only be \"auto\" or \"none\""
                ),
            ));
        }
        Format::Tool { name, description, schema, forced: !user_tools_on }
    };
    Ok(structured)
}

fn strict_tools(tools: &[api::Tool]) -> Result<Vec<(String, Arc<jsonschema::Validator>)>> {
    let mut checks = Vec::new();
    for (i, tool) in tools.iter().enumerate() {
        let Some(function) = &tool.function else { continue };
        if function.strict != Some(true) {
            continue;
        }
        let schema = match (&function.parameters, &function.parameters_json) {
            (Some(parameters), _) => struct_to_json(parameters),
            (None, Some(text)) => text.clone(),
            (None, None) => r#"{"type":"object","properties":{}}"#.to_owned(),
        };
        checks.push((function.name.clone(), compile(&format!("tools[{i}].function.parameters"), &schema)?));
    }
    Ok(checks)
}

fn compile(field: &str, schema: &str) -> Result<Arc<jsonschema::Validator>> {
    let value: serde_json::Value =
        serde_json::from_str(schema).map_err(|e| Error::invalid(field, format!("is not valid JSON: {e}")))?;
    jsonschema::validator_for(&value)
        .map(Arc::new)
        .map_err(|e| Error::invalid(field, format!("is not a JSON Schema this server can check: {e}")))
}

/// A protobuf Struct as JSON text.
fn struct_to_json(value: &prost_types::Struct) -> String {
    crate::bedrock::document::to_json(&crate::bedrock::document::from_struct(value)).to_string()
}

impl Structured {
    /// Whether answers need shaping or checking at all.
    pub fn is_plain(&self) -> bool {
        self.answer_tool().is_none() && self.answer_check.is_none() && self.tool_checks.is_empty()
    }

    /// The answer as the caller asked for it: the answer tool's input becomes the content (and the
    /// finish reason `stop` when no other tool was called); then the checks.
    pub fn shape(&self, message: &mut api::Message, finish_reason: &mut &'static str) -> Result<()> {
        let mut answered = self.answer_tool().is_none();
        if let Some(name) = self.answer_tool()
            && let Some(position) =
                message.tool_calls.iter().position(|c| c.function.as_ref().is_some_and(|f| f.name == name))
        {
            let call = message.tool_calls.remove(position);
            message.content = Some(api::message::Content::Text(call.function.unwrap_or_default().arguments));
            answered = true;
            if message.tool_calls.is_empty() {
                *finish_reason = "stop";
            }
        }
        let content = match &message.content {
            Some(api::message::Content::Text(text)) if answered && message.tool_calls.is_empty() => {
                Some(text.as_str())
            }
            _ => None,
        };
        // A turn that calls the caller's tools is not the answer yet: only its calls are checked.
        let answer_check =
            if content.is_some() { self.clone() } else { Structured { answer_check: None, ..self.clone() } };
        answer_check.check(content, &message.tool_calls)
    }

    /// A shaper for a stream of chunks.
    pub fn stream_shaper(&self) -> StreamShaper {
        StreamShaper { structured: (!self.is_plain()).then(|| self.clone()), ..StreamShaper::default() }
    }
}

/// Shapes a stream as [`Structured::shape`] shapes an answer: the answer tool's argument fragments
/// become content deltas, other calls are renumbered past it, and the checks run when the finish
/// chunk comes (a failed check replaces it with an error).
#[derive(Debug, Default)]
pub struct StreamShaper {
    structured: Option<Structured>,
    answer_index: Option<u32>,
    renumbered: Vec<(u32, u32)>,
    content: String,
    calls: Vec<api::ToolCall>,
    /// Text before the answer tool (answer-tool mode): dropped if the tool comes, as the unary
    /// answer drops it; sent with the finish chunk if it does not.
    held: String,
}

impl StreamShaper {
    /// The chunk as the caller sees it, or the check that failed at its end.
    pub fn chunk(
        &mut self,
        mut chunk: api::StreamChatCompletionResponse,
    ) -> Result<api::StreamChatCompletionResponse> {
        let Some(structured) = self.structured.clone() else { return Ok(chunk) };
        for choice in &mut chunk.choices {
            let Some(delta) = choice.delta.as_mut() else { continue };
            let mut kept = Vec::with_capacity(delta.tool_calls.len());
            for call in std::mem::take(&mut delta.tool_calls) {
                let name = call.function.as_ref().and_then(|f| f.name.as_deref());
                if name.is_some() && name == structured.answer_tool() {
                    self.answer_index = Some(call.index);
                    continue;
                }
                let fragment = call.function.as_ref().and_then(|f| f.arguments.clone()).unwrap_or_default();
                if Some(call.index) == self.answer_index {
                    self.content.push_str(&fragment);
                    delta.content = Some(delta.content.take().unwrap_or_default() + &fragment);
                    continue;
                }
                let index = match self.renumbered.iter().find(|(from, _)| *from == call.index) {
                    Some((_, to)) => *to,
                    None => {
                        let to = self.renumbered.len() as u32;
                        self.renumbered.push((call.index, to));
                        self.calls.push(api::ToolCall {
                            function: Some(api::FunctionCall {
                                name: name.unwrap_or_default().to_owned(),
                                arguments: String::new(),
                            }),
                            ..Default::default()
                        });
                        to
                    }
                };
                if let Some(api::FunctionCall { arguments, .. }) =
                    self.calls.get_mut(index as usize).and_then(|c| c.function.as_mut())
                {
                    arguments.push_str(&fragment);
                }
                kept.push(api::ToolCallDelta { index, ..call });
            }
            delta.tool_calls = kept;
            if self.answer_index.is_none()
                && let Some(text) = delta.content.take()
            {
                if structured.answer_tool().is_some() {
                    self.held.push_str(&text);
                } else {
                    self.content.push_str(&text);
                    delta.content = Some(text);
                }
            }
            if self.answer_index.is_some() {
                self.held.clear();
            }
            if choice.finish_reason.is_some() && self.answer_index.is_none() && !self.held.is_empty() {
                let held = std::mem::take(&mut self.held);
                self.content.push_str(&held);
                delta.content = Some(held + &delta.content.take().unwrap_or_default());
            }
            if choice.finish_reason.is_some() {
                if self.calls.is_empty() && choice.finish_reason.as_deref() == Some("tool_calls") {
                    choice.finish_reason = Some("stop".to_owned());
                    choice.stop_reason = Some("end_turn".to_owned());
                }
                let answered = self.calls.is_empty();
                let checks = if answered {
                    structured.clone()
                } else {
                    Structured { answer_check: None, ..structured.clone() }
                };
                checks.check(answered.then_some(self.content.as_str()), &self.calls)?;
            }
        }
        Ok(chunk)
    }
}
