//! Documents in Converse requests (`document` content blocks), checked as Bedrock checks them, and
//! what the emulator reads out of them: a size for the echoed answer, a text to quote when
//! citations are on ([`super::citations`]), a token count for usage.
//!
//! A block is `{"document": {"format", "name", "source", "context"?, "citations"?}}`, the source
//! one of `{"bytes": <base64>}`, `{"text": ...}`, `{"content": [{"text": ...}]}` or
//! `{"s3Location": {"uri", "bucketOwner"?}}`. Every refusal is a 400 `ValidationException`:
//!
//! | rule | message | from |
//! |---|---|---|
//! | format in pdf, csv, doc, docx, xls, xlsx, html, txt, md | `1 validation error detected: ... Member must satisfy enum value set: [...]` | API_runtime_DocumentBlock (wording: AWS's usual constraint message) |
//! | name: 1 to 200 characters | `... Member must have length less than or equal to 200` | API_runtime_DocumentBlock |
//! | name: letters, digits, single whitespace, hyphens, parentheses, square brackets (underscores too, which Bedrock accepts) | `The document file name can only contain alphanumeric characters, ...` | simonw/llm-bedrock#8, vercel/ai#20366 |
//! | names unique in the request | `Messages can't contain duplicate document names.` | aws-samples/generative-ai-use-cases#1685 |
//! | at most 5 documents in the request | `You can't include more than 5 documents in a request.` | same |
//! | each at most 4.5 MB (4,718,592 bytes) | `The maximum document size is 4.5 MB. Reduce the size of your document and retry your request.` | API_runtime_Message; agentcore-public-stack#206 |
//! | a message with a document has a text block | `A text block must be included when using documents.` | API_runtime_Message; maximhq/bifrost#5817 |
//! | documents and images only in user messages | emulator wording | API_runtime_Message |
//! | bytes are valid base64 | emulator wording | |
//! | S3 URI `s3://bucket/key`, bucketOwner 12 digits | AWS's constraint message | API_runtime_S3Location |
//! | S3 sources only for Amazon Nova (Micro excepted) | Claude: `The model returned the following errors: messages.N.content.M.document.source.type: Field required`; others: emulator wording | strands-agents/harness-sdk#1744, aws/aws-sdk-js-v3#7732 |
//! | citations only for Claude (not Claude 3 Haiku / 3 Opus / 3 Sonnet / 3.5 Sonnet v1 / 2.x) | `This model doesn't support citations.` | boto/boto3#4608; Anthropic's citations page |
//! | citations only for txt and pdf | `Unsupported document format. Only txt and pdf formats are supported when citations are enabled.` | boto/boto3#4726 |
//! | citations on all documents or on none | emulator wording | Anthropic's citations page |
//! | no citations in tool-result documents | `Citations are not supported in tool result documents.` | boto/boto3#4648 |
//!
//! API references: <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html>,
//! `API_runtime_Message.html`, `API_runtime_S3Location.html`; "Supported models and model features"
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-supported-models-features.html>);
//! Anthropic's <https://platform.claude.com/docs/en/build-with-claude/citations>. `owner/repo#N` are
//! GitHub threads quoting Bedrock's answers.

use super::answer::Fault;
use base64::Engine as _;
use serde_json::Value;

/// The formats Bedrock reads.
pub const FORMATS: &[&str] = &["pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"];
/// The formats whose bytes are UTF-8 text.
pub const TEXT_FORMATS: &[&str] = &["txt", "md", "csv", "html"];
/// The most documents one request carries.
pub const MAX_DOCUMENTS: usize = 5;
/// The largest document: AWS's "4.5 MB", in binary megabytes as AWS counts payload sizes.
pub const MAX_BYTES: usize = 4_718_592;
/// The longest document name, in characters.
const MAX_NAME: usize = 200;

/// Where a document's content is.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Inline bytes, decoded.
    Bytes(Vec<u8>),
    /// Inline text (`text`, or the `content` parts joined).
    Text(String),
    /// An object in S3 the emulator cannot read.
    S3(String),
}

/// One document of the request, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The index of its message.
    pub message: usize,
    /// Its position among the request's documents, from 0 (citations' `documentIndex`).
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Its format.
    pub format: String,
    /// Its content.
    pub source: Source,
    /// Whether citations are enabled for it.
    pub citations: bool,
}

impl Document {
    /// Its size in bytes (0 for S3 objects, which the emulator does not fetch).
    pub fn size(&self) -> usize {
        match &self.source {
            Source::Bytes(bytes) => bytes.len(),
            Source::Text(text) => text.len(),
            Source::S3(_) => 0,
        }
    }

    /// The text the emulator reads in it: the UTF-8 text of text formats and text sources; for
    /// binary formats (pdf, Office) the longest run of printable ASCII in the first 4 KB, which is
    /// what a fixture's plain words come out as.
    pub fn text(&self) -> String {
        match &self.source {
            Source::Text(text) => text.clone(),
            Source::Bytes(bytes) if TEXT_FORMATS.contains(&self.format.as_str()) => {
                String::from_utf8_lossy(bytes).into_owned()
            }
            Source::Bytes(bytes) => longest_printable_run(&bytes[..bytes.len().min(4096)]),
            Source::S3(_) => String::new(),
        }
    }
}

fn longest_printable_run(bytes: &[u8]) -> String {
    let mut best = &bytes[..0];
    for run in bytes.split(|b| !(0x20..=0x7e).contains(b)) {
        if run.len() > best.len() {
            best = run;
        }
    }
    String::from_utf8_lossy(best).into_owned()
}

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// Checks every document (and image placement) of the conversation; returns the documents in
/// request order.
pub fn check(model_id: &str, messages: &[Value]) -> Result<Vec<Document>, Fault> {
    let mut documents = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message["role"].as_str().unwrap_or_default();
        let content = message["content"].as_array().map(Vec::as_slice).unwrap_or_default();
        let mut has_document = false;
        for (j, block) in content.iter().enumerate() {
            if let Some(result) = block.get("toolResult") {
                check_tool_result(result)?;
            }
            let document = block.get("document");
            if document.is_none() && block.get("image").is_none() {
                continue;
            }
            if role != "user" {
                return Err(invalid(format!(
                    "messages.{i}.content.{j}: images and documents can only be included in user messages."
                )));
            }
            if let Some(document) = document {
                has_document = true;
                documents.push(read(model_id, document, i, j, documents.len())?);
            }
        }
        if has_document && !content.iter().any(|block| block.get("text").is_some()) {
            return Err(invalid("A text block must be included when using documents."));
        }
    }
    if documents.len() > MAX_DOCUMENTS {
        return Err(invalid(format!("You can't include more than {MAX_DOCUMENTS} documents in a request.")));
    }
    for (k, document) in documents.iter().enumerate() {
        if documents[..k].iter().any(|earlier| earlier.name == document.name) {
            return Err(invalid("Messages can't contain duplicate document names."));
        }
    }
    let cited = documents.iter().filter(|d| d.citations).count();
    if cited > 0 && cited < documents.len() {
        return Err(invalid(
            "The model returned the following errors: citations must be enabled on all or none of the documents \
             in a request.",
        ));
    }
    Ok(documents)
}

/// Tool results may carry documents, but not with citations.
fn check_tool_result(result: &Value) -> Result<(), Fault> {
    let cites = result["content"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|part| part["document"]["citations"]["enabled"] == true);
    if cites {
        return Err(invalid("Citations are not supported in tool result documents."));
    }
    Ok(())
}

/// Checks one document block (message `i`, block `j`, the `index`th document of the request).
fn read(model_id: &str, document: &Value, i: usize, j: usize, index: usize) -> Result<Document, Fault> {
    let at = format!("messages.{i}.member.content.{j}.member.document");
    // The format is optional in the API; the SDKs' default is txt.
    let format = match &document["format"] {
        Value::Null => "txt".to_owned(),
        value => {
            let format = value.as_str().unwrap_or_default();
            if !FORMATS.contains(&format) {
                return Err(invalid(format!(
                    "1 validation error detected: Value '{format}' at '{at}.format' failed to satisfy constraint: \
                     Member must satisfy enum value set: [{}]",
                    FORMATS.join(", ")
                )));
            }
            format.to_owned()
        }
    };
    let name = check_name(&document["name"], &at)?;
    let source = read_source(model_id, &document["source"], &at, i, j)?;
    let citations = document["citations"]["enabled"] == true;
    let document = Document { message: i, index, name, format, source, citations };
    if document.size() > MAX_BYTES {
        return Err(invalid(
            "The maximum document size is 4.5 MB. Reduce the size of your document and retry your request.",
        ));
    }
    if citations {
        check_citations(model_id, &document.format)?;
    }
    Ok(document)
}

fn check_name(name: &Value, at: &str) -> Result<String, Fault> {
    let Some(name) = name.as_str() else {
        return Err(invalid(format!(
            "1 validation error detected: Value null at '{at}.name' failed to satisfy constraint: Member must not be null"
        )));
    };
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME {
        let bound = if length == 0 { "greater than or equal to 1" } else { "less than or equal to 200" };
        return Err(invalid(format!(
            "1 validation error detected: Value at '{at}.name' failed to satisfy constraint: Member must have length {bound}"
        )));
    }
    if !is_valid_name(name) {
        return Err(invalid(
            "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, \
             parentheses, and square brackets. The name can't contain more than one consecutive whitespace \
             character. Check that the file name conforms to these restrictions and retry your request.",
        ));
    }
    Ok(name.to_owned())
}

/// Bedrock's name rule. Underscores are outside the documented set but Bedrock accepts them
/// (vercel/ai#20366 checked it live), so refusing them would fail requests AWS serves.
pub fn is_valid_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || "-()[]_".contains(c);
    let doubled = name
        .chars()
        .zip(name.chars().skip(1))
        .any(|(a, b)| a.is_ascii_whitespace() && b.is_ascii_whitespace());
    name.chars().all(allowed) && !doubled
}

fn read_source(model_id: &str, source: &Value, at: &str, i: usize, j: usize) -> Result<Source, Fault> {
    let kinds: Vec<&str> =
        ["bytes", "text", "content", "s3Location"].into_iter().filter(|k| source.get(k).is_some()).collect();
    let [kind] = kinds.as_slice() else {
        return Err(invalid(format!(
            "{at}.source must set exactly one of bytes, text, content or s3Location (it sets {}).",
            if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") }
        )));
    };
    match *kind {
        "bytes" => {
            let encoded = source["bytes"].as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| {
                invalid(format!(
                    "Malformed input request: messages.{i}.content.{j}.document.source.bytes is not valid base64, \
                     please reformat your input and try again."
                ))
            })?;
            Ok(Source::Bytes(bytes))
        }
        "text" => Ok(Source::Text(source["text"].as_str().unwrap_or_default().to_owned())),
        "content" => {
            let parts: Vec<&str> = source["content"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|part| part["text"].as_str())
                .collect();
            Ok(Source::Text(parts.concat()))
        }
        _ => read_s3(model_id, &source["s3Location"], at, i, j),
    }
}

fn read_s3(model_id: &str, location: &Value, at: &str, i: usize, j: usize) -> Result<Source, Fault> {
    let uri = location["uri"].as_str().unwrap_or_default();
    if !is_s3_uri(uri) {
        return Err(invalid(format!(
            "1 validation error detected: Value '{uri}' at '{at}.source.s3Location.uri' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: s3://[a-z0-9][\\.\\-a-z0-9]{{1,61}}[a-z0-9](/.*)?"
        )));
    }
    if let Some(owner) = location.get("bucketOwner") {
        let owner = owner.as_str().unwrap_or_default();
        if owner.len() != 12 || !owner.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{owner}' at '{at}.source.s3Location.bucketOwner' failed to \
                 satisfy constraint: Member must satisfy regular expression pattern: [0-9]{{12}}"
            )));
        }
    }
    match super::world::resolve_model(model_id).map(|(_, base)| base) {
        Some(base) if base.starts_with("anthropic.") => Err(invalid(format!(
            "The model returned the following errors: messages.{i}.content.{j}.document.source.type: Field required"
        ))),
        Some(base) if !reads_s3(base) => Err(invalid(
            "This model doesn't support Amazon S3 locations as a document source. Send the document's bytes instead.",
        )),
        _ => Ok(Source::S3(uri.to_owned())),
    }
}

/// Amazon Nova reads S3 objects; Nova Micro is text only and has no S3 links (AWS's "Supported
/// models and model features" table).
fn reads_s3(base: &str) -> bool {
    base.starts_with("amazon.nova-") && !base.starts_with("amazon.nova-micro")
}

/// `s3://bucket/key`: a bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting
/// and ending with a letter or digit) and a non-empty key.
fn is_s3_uri(uri: &str) -> bool {
    let Some((bucket, key)) = uri.strip_prefix("s3://").and_then(|rest| rest.split_once('/')) else {
        return false;
    };
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && edge(bucket.bytes().next())
        && edge(bucket.bytes().last())
        && !key.is_empty()
}

/// Claude models that cite, by base-id prefix: Anthropic says every active model but Claude 3
/// Haiku; on Bedrock that leaves 3.5 Sonnet v2, 3.5 Haiku, 3.7 Sonnet and the Claude 4 family.
const CITING: &[&str] = &[
    "anthropic.claude-3-5-haiku",
    "anthropic.claude-3-5-sonnet-20241022",
    "anthropic.claude-3-7-sonnet",
    "anthropic.claude-sonnet-4",
    "anthropic.claude-opus-4",
    "anthropic.claude-haiku-4",
];

fn check_citations(model_id: &str, format: &str) -> Result<(), Fault> {
    let cites = super::world::resolve_model(model_id)
        .is_none_or(|(_, base)| CITING.iter().any(|prefix| base.starts_with(prefix)));
    if !cites {
        return Err(invalid("This model doesn't support citations."));
    }
    if format != "txt" && format != "pdf" {
        return Err(invalid(
            "Unsupported document format. Only txt and pdf formats are supported when citations are enabled.",
        ));
    }
    Ok(())
}

/// How the echoed answer acknowledges documents: ` (I read 1 document: Quarterly report, pdf,
/// 1234 bytes)`; an S3 document shows its URI instead of a size.
pub fn describe(documents: &[&Document]) -> String {
    let described: Vec<String> = documents
        .iter()
        .map(|d| match &d.source {
            Source::S3(uri) => format!("{}, {}, {uri}", d.name, d.format),
            _ => format!("{}, {}, {} bytes", d.name, d.format, d.size()),
        })
        .collect();
    match described.len() {
        0 => String::new(),
        1 => format!(" (I read 1 document: {})", described[0]),
        n => format!(" (I read {n} documents: {})", described.join("; ")),
    }
}

/// Prompt tokens of a document block: a quarter of its bytes, at least 1 (S3 objects count 1).
pub fn tokens(document: &Value) -> u32 {
    let source = &document["source"];
    let bytes = if let Some(encoded) = source["bytes"].as_str() {
        // The decoded size, without decoding: 3 bytes per 4 characters, less the padding.
        let padding = encoded.bytes().rev().take_while(|b| *b == b'=').count();
        (encoded.len() / 4 * 3).saturating_sub(padding)
    } else if let Some(text) = source["text"].as_str() {
        text.len()
    } else {
        source["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["text"].as_str())
            .map(str::len)
            .sum()
    };
    u32::try_from(bytes / 4).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HAIKU_3: &str = "anthropic.claude-3-haiku-20240307-v1:0";
    const SONNET_4_5: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const NOVA_PRO: &str = "amazon.nova-pro-v1:0";

    fn base64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn doc(name: &str, format: &str, bytes: &[u8]) -> Value {
        json!({"document": {"format": format, "name": name, "source": {"bytes": base64(bytes)}}})
    }

    fn ask(blocks: Vec<Value>) -> Vec<Value> {
        let mut content = vec![json!({"text": "what is in it?"})];
        content.extend(blocks);
        vec![json!({"role": "user", "content": content})]
    }

    fn refusal(model: &str, messages: &[Value]) -> String {
        let fault = check(model, messages).unwrap_err();
        assert_eq!((fault.0, fault.1), (400, "ValidationException"), "{fault:?}");
        fault.2
    }

    #[test]
    fn documents_are_read_in_request_order() {
        let documents = check(
            HAIKU_3,
            &ask(vec![doc("Quarterly report", "pdf", b"%PDF-1.4 q3"), doc("notes", "txt", b"hi")]),
        )
        .unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!((documents[0].index, documents[0].size()), (0, 11));
        assert_eq!((documents[1].name.as_str(), documents[1].format.as_str()), ("notes", "txt"));
        let refs: Vec<&Document> = documents.iter().collect();
        assert_eq!(
            describe(&refs),
            " (I read 2 documents: Quarterly report, pdf, 11 bytes; notes, txt, 2 bytes)"
        );
        assert_eq!(describe(&refs[..1]), " (I read 1 document: Quarterly report, pdf, 11 bytes)");
        assert_eq!(describe(&[]), "");
    }

    #[test]
    fn the_name_rules() {
        let longest = "x".repeat(200);
        for good in ["Quarterly report", "Q3 report-final (2) [draft]", "a", "snake_case", longest.as_str()] {
            assert!(check(HAIKU_3, &ask(vec![doc(good, "txt", b"x")])).is_ok(), "{good:?}");
        }
        for bad in ["report.pdf", "two  spaces", "John's", "naïve", "a,b"] {
            assert!(
                refusal(HAIKU_3, &ask(vec![doc(bad, "txt", b"x")])).starts_with("The document file name"),
                "{bad:?}"
            );
        }
        assert!(
            refusal(HAIKU_3, &ask(vec![doc(&"x".repeat(201), "txt", b"x")]))
                .contains("Member must have length less than or equal to 200")
        );
        assert!(refusal(HAIKU_3, &ask(vec![doc("", "txt", b"x")])).contains("greater than or equal to 1"));
        let unnamed = ask(vec![json!({"document": {"format": "txt", "source": {"text": "x"}}})]);
        assert!(refusal(HAIKU_3, &unnamed).contains("Member must not be null"));
        let twice = ask(vec![doc("same", "txt", b"a"), doc("same", "pdf", b"b")]);
        assert_eq!(refusal(HAIKU_3, &twice), "Messages can't contain duplicate document names.");
    }

    #[test]
    fn formats_counts_sizes_and_base64() {
        let exe = refusal(HAIKU_3, &ask(vec![doc("a", "exe", b"x")]));
        assert!(exe.contains("Value 'exe' at 'messages.0.member.content.1.member.document.format'"), "{exe}");
        assert!(exe.contains("[pdf, csv, doc, docx, xls, xlsx, html, txt, md]"), "{exe}");
        let five: Vec<Value> = (0..5).map(|k| doc(&format!("d{k}"), "txt", b"x")).collect();
        assert!(check(HAIKU_3, &ask(five)).is_ok());
        let six: Vec<Value> = (0..6).map(|k| doc(&format!("d{k}"), "txt", b"x")).collect();
        assert_eq!(refusal(HAIKU_3, &ask(six)), "You can't include more than 5 documents in a request.");
        assert!(check(HAIKU_3, &ask(vec![doc("big", "txt", &vec![b'a'; MAX_BYTES])])).is_ok());
        let too_big = refusal(HAIKU_3, &ask(vec![doc("big", "txt", &vec![b'a'; MAX_BYTES + 1])]));
        assert!(too_big.starts_with("The maximum document size is 4.5 MB."), "{too_big}");
        let text = json!({"document": {"format": "txt", "name": "t", "source": {"text": "a".repeat(MAX_BYTES + 1)}}});
        assert!(refusal(HAIKU_3, &ask(vec![text])).starts_with("The maximum document size"));
        let garbled = json!({"document": {"format": "pdf", "name": "g", "source": {"bytes": "@@@@"}}});
        assert!(refusal(HAIKU_3, &ask(vec![garbled])).contains("not valid base64"));
        let two_sources =
            json!({"document": {"format": "txt", "name": "g", "source": {"bytes": "eA==", "text": "x"}}});
        assert!(refusal(HAIKU_3, &ask(vec![two_sources])).contains("exactly one of"));
        let content = json!({"document": {"format": "txt", "name": "c", "source": {"content": [{"text": "ab"}, {"text": "c"}]}}});
        assert_eq!(check(HAIKU_3, &ask(vec![content])).unwrap()[0].source, Source::Text("abc".into()));
    }

    #[test]
    fn placement_rules() {
        let alone = vec![json!({"role": "user", "content": [doc("a", "txt", b"x")]})];
        assert_eq!(refusal(HAIKU_3, &alone), "A text block must be included when using documents.");
        let from_assistant = vec![
            json!({"role": "user", "content": [{"text": "hi"}]}),
            json!({"role": "assistant", "content": [{"text": "here"}, doc("a", "txt", b"x")]}),
        ];
        assert!(refusal(HAIKU_3, &from_assistant).contains("only be included in user messages"));
        let image = vec![
            json!({"role": "user", "content": [{"text": "hi"}]}),
            json!({"role": "assistant", "content": [{"image": {"format": "png", "source": {"bytes": "eA=="}}}]}),
        ];
        assert!(refusal(HAIKU_3, &image).starts_with("messages.1.content.0:"));
    }

    #[test]
    fn s3_sources_are_for_nova_only() {
        let s3 = |uri: &str, owner: Option<&str>| {
            let mut location = json!({"uri": uri});
            if let Some(owner) = owner {
                location["bucketOwner"] = json!(owner);
            }
            ask(vec![json!({"document": {"format": "pdf", "name": "r", "source": {"s3Location": location}}})])
        };
        let ok = check(NOVA_PRO, &s3("s3://my-bucket/reports/q3.pdf", Some("123456789012"))).unwrap();
        assert_eq!(ok[0].source, Source::S3("s3://my-bucket/reports/q3.pdf".into()));
        assert!(check("us.amazon.nova-premier-v1:0", &s3("s3://my-bucket/k", None)).is_ok());
        assert_eq!(
            refusal(HAIKU_3, &s3("s3://my-bucket/k", None)),
            "The model returned the following errors: messages.0.content.1.document.source.type: Field required"
        );
        assert!(refusal("meta.llama3-8b-instruct-v1:0", &s3("s3://my-bucket/k", None)).contains("S3"));
        assert!(refusal("amazon.nova-micro-v1:0", &s3("s3://my-bucket/k", None)).contains("S3"));
        for bad in ["s3://my-bucket", "s3://my-bucket/", "https://my-bucket/k", "s3://AB/k", "s3:///k"] {
            assert!(refusal(NOVA_PRO, &s3(bad, None)).contains("s3Location.uri"), "{bad}");
        }
        for bad in ["12345", "12345678901a", ""] {
            assert!(refusal(NOVA_PRO, &s3("s3://my-bucket/k", Some(bad))).contains("bucketOwner"), "{bad}");
        }
    }

    #[test]
    fn citations_need_a_citing_claude_and_txt_or_pdf() {
        let cited = |format: &str| {
            let mut block = doc("facts", format, b"The sky is blue.");
            block["document"]["citations"] = json!({"enabled": true});
            block
        };
        let documents = check(SONNET_4_5, &ask(vec![cited("txt")])).unwrap();
        assert!(documents[0].citations);
        assert!(check("anthropic.claude-3-5-haiku-20241022-v1:0", &ask(vec![cited("pdf")])).is_ok());
        assert!(check("global.anthropic.claude-opus-4-6-v1", &ask(vec![cited("pdf")])).is_ok());
        for model in
            [HAIKU_3, NOVA_PRO, "anthropic.claude-3-5-sonnet-20240620-v1:0", "openai.gpt-oss-120b-1:0"]
        {
            assert_eq!(
                refusal(model, &ask(vec![cited("txt")])),
                "This model doesn't support citations.",
                "{model}"
            );
        }
        assert!(refusal(SONNET_4_5, &ask(vec![cited("docx")])).starts_with("Unsupported document format."));
        let mixed = ask(vec![cited("txt"), doc("plain", "txt", b"x")]);
        assert!(refusal(SONNET_4_5, &mixed).contains("all or none"));
        let off = {
            let mut block = doc("facts", "txt", b"x");
            block["document"]["citations"] = json!({"enabled": false});
            block
        };
        assert!(!check(HAIKU_3, &ask(vec![off])).unwrap()[0].citations);
        let in_tool_result = vec![
            json!({"role": "user", "content": [{"toolResult": {"toolUseId": "t", "content": [
                {"document": {"format": "txt", "name": "r", "source": {"text": "x"}, "citations": {"enabled": true}}}
            ]}}]}),
        ];
        assert_eq!(
            refusal(SONNET_4_5, &in_tool_result),
            "Citations are not supported in tool result documents."
        );
    }

    #[test]
    fn text_and_tokens() {
        let read = |format: &str, bytes: &[u8]| {
            check(HAIKU_3, &ask(vec![doc("d", format, bytes)])).unwrap()[0].text()
        };
        assert_eq!(read("txt", "Grüße. Rest".as_bytes()), "Grüße. Rest");
        assert_eq!(read("pdf", b"%PDF\x00\x01The quarterly figures\x02x"), "The quarterly figures");
        assert_eq!(read("pdf", b"\x00\x01"), "");
        assert_eq!(tokens(&doc("d", "txt", &[b'a'; 400])["document"]), 100);
        assert_eq!(tokens(&doc("d", "txt", b"ab")["document"]), 1);
        assert_eq!(tokens(&json!({"source": {"text": "a".repeat(40)}})), 10);
        assert_eq!(tokens(&json!({"source": {"s3Location": {"uri": "s3://b/k"}}})), 1);
    }
}
