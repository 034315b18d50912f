//! Request-level checks: what a request asks for that Bedrock cannot do at all. Field-by-field
//! mapping checks live with the mapping, in `bedrock::request`.

use crate::error::{Error, Result};
use crate::proto::v1::ChatCompletionRequest;

/// Rejects a request that cannot be honoured, naming the field and the reason.
pub fn request(request: &ChatCompletionRequest) -> Result<()> {
    if request.model.trim().is_empty() {
        return Err(Error::invalid("model", "is required (a Bedrock model id, inference profile id or ARN)"));
    }
    if request.messages.is_empty() {
        return Err(Error::invalid("messages", "must not be empty"));
    }
    if request.n.is_some_and(|n| n != 1) {
        return Err(Error::invalid("n", "Bedrock generates one choice per request; only n = 1 is supported"));
    }
    if request.logprobs == Some(true) {
        return Err(Error::invalid("logprobs", "Bedrock's Converse API does not return log probabilities"));
    }
    if request.top_logprobs.is_some_and(|n| n > 0) {
        return Err(Error::invalid(
            "top_logprobs",
            "Bedrock's Converse API does not return log probabilities",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::v1::Message;

    fn valid() -> ChatCompletionRequest {
        ChatCompletionRequest {
            model: "m".into(),
            messages: vec![Message { role: "user".into(), ..Default::default() }],
            ..Default::default()
        }
    }

    #[test]
    fn rejects_what_bedrock_cannot_do_naming_the_field() {
        assert!(request(&valid()).is_ok());
        let field = |r: ChatCompletionRequest| request(&r).unwrap_err().field.unwrap();
        assert_eq!(field(ChatCompletionRequest { n: Some(2), ..valid() }), "n");
        assert_eq!(field(ChatCompletionRequest { logprobs: Some(true), ..valid() }), "logprobs");
        assert_eq!(field(ChatCompletionRequest { top_logprobs: Some(3), ..valid() }), "top_logprobs");
        assert_eq!(field(ChatCompletionRequest { messages: vec![], ..valid() }), "messages");
        assert_eq!(field(ChatCompletionRequest { model: " ".into(), ..valid() }), "model");
        assert!(request(&ChatCompletionRequest { n: Some(1), logprobs: Some(false), ..valid() }).is_ok());
    }
}
