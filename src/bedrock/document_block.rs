//! Converse document blocks from the API's document parts (not to be confused with
//! [`super::document`], which converts JSON values to smithy Documents).
//!
//! Bedrock refuses a document name with characters other than letters, digits, whitespace (never
//! two in a row), hyphens, parentheses and square brackets, longer than 200 characters, or used
//! twice in one request. Callers send file names (`Q3 report_final.v2.pdf`), so the name sent is
//! the file name made valid: the extension dropped, every other character a hyphen, whitespace
//! collapsed, and a repeat numbered (`Q3 report-final-v2 (2)`). The name is also what the model
//! sees and cites, so it stays close to the caller's.

use super::s3_location::S3Access;
use crate::chat::validate::{data_url, documents, s3};
use crate::error::{Error, ErrorKind, Result};
use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{
    CitationsConfig, ContentBlock, DocumentBlock, DocumentFormat, DocumentSource,
};
use aws_smithy_types::Blob;
use std::collections::HashSet;

/// Bedrock's longest document name.
pub const MAX_NAME_CHARS: usize = 200;
/// The name of a document sent without a file name.
const UNNAMED: &str = "document";

/// The names given so far in one request, so that each is unique.
#[derive(Debug, Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A valid name for `filename`, unused so far in the request.
    pub fn unique(&mut self, filename: Option<&str>) -> String {
        let base = valid_name(filename);
        let mut name = base.clone();
        let mut n = 2;
        // Bedrock compares names as given; lower case here so that `A` and `a` never collide on a
        // case-insensitive check either.
        while !self.taken.insert(name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = MAX_NAME_CHARS - suffix.len();
            name = format!("{}{suffix}", base.chars().take(room).collect::<String>().trim_end());
            n += 1;
        }
        name
    }
}

/// `filename` made valid by Bedrock's rules (not yet unique).
pub fn valid_name(filename: Option<&str>) -> String {
    let stem = filename.map(|name| match name.rsplit_once('.') {
        Some((stem, extension))
            if !stem.is_empty() && documents::FORMATS.contains(&extension.to_ascii_lowercase().as_str()) =>
        {
            stem
        }
        _ => name,
    });
    let mut name = String::new();
    for c in stem.unwrap_or_default().chars() {
        let c = if c.is_whitespace() {
            ' '
        } else if c.is_ascii_alphanumeric() || matches!(c, '-' | '(' | ')' | '[' | ']') {
            c
        } else {
            '-'
        };
        if c == ' ' && (name.is_empty() || name.ends_with(' ')) {
            continue;
        }
        name.push(c);
        if name.len() >= MAX_NAME_CHARS {
            break;
        }
    }
    let name = name.trim_end();
    // A name of hyphens only says nothing: use the neutral default.
    if name.chars().all(|c| c == '-') { UNNAMED.to_owned() } else { name.to_owned() }
}

/// The document block of a validated document part; `field` names the part for errors,
/// `citations` is the request's default, and `s3` says whether and how S3 URLs are read.
pub fn block(
    document: &api::Document,
    field: &str,
    names: &mut Names,
    citations: bool,
    s3: &S3Access,
) -> Result<ContentBlock> {
    let api::Document { source, format: _, filename, citations: own, context } = document;
    let format = documents::format_of(document, field)?;
    let source = match source {
        Some(api::document::Source::Data(bytes)) => DocumentSource::Bytes(Blob::new(bytes.clone())),
        Some(api::document::Source::Url(url)) => {
            let field = format!("{field}.url");
            match s3::parse(url, &field)? {
                Some(location) => DocumentSource::S3Location(s3.location(location, &field)?),
                None => {
                    let data = data_url::split(url, &field)?.map_or("", |(_, data)| data);
                    DocumentSource::Bytes(Blob::new(data_url::decode_base64(data, &field)?))
                }
            }
        }
        None => return Err(Error::invalid(field, "needs its content: data or url")),
    };
    let citations = own
        .unwrap_or(citations)
        .then(|| CitationsConfig::builder().enabled(true).build())
        .transpose()
        .map_err(internal)?;
    let block = DocumentBlock::builder()
        .format(DocumentFormat::from(format))
        .name(names.unique(filename.as_deref()))
        .source(source)
        .set_context(context.clone())
        .set_citations(citations)
        .build()
        .map_err(internal)?;
    Ok(ContentBlock::Document(block))
}

fn internal(error: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Internal, format!("building a Bedrock document block failed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_valid_bedrock_names() {
        assert_eq!(valid_name(Some("Q3 report_final.v2.pdf")), "Q3 report-final-v2");
        assert_eq!(valid_name(Some("notes.txt")), "notes");
        assert_eq!(valid_name(Some("archive.tar")), "archive-tar");
        assert_eq!(valid_name(Some("  a\t\tb  [draft] (1).docx")), "a b [draft] (1)");
        assert_eq!(valid_name(Some("Résumé.pdf")), "R-sum-");
        assert_eq!(valid_name(Some("!!!.pdf")), "document");
        assert_eq!(valid_name(Some(".pdf")), "-pdf");
        assert_eq!(valid_name(None), "document");
        assert_eq!(valid_name(Some(&"x".repeat(500))).len(), MAX_NAME_CHARS);
        let allowed = |c: char| c.is_ascii_alphanumeric() || " -()[]".contains(c);
        for name in ["a/b\\c:d*e?f\"g<h>i|j.pdf", "emoji 🎉 name", "dots...and___under"] {
            let valid = valid_name(Some(name));
            assert!(valid.chars().all(allowed) && !valid.contains("  "), "{name:?} -> {valid:?}");
        }
    }

    #[test]
    fn repeated_names_are_numbered_within_the_limit() {
        let mut names = Names::default();
        assert_eq!(names.unique(Some("a.pdf")), "a");
        assert_eq!(names.unique(Some("a.txt")), "a (2)");
        assert_eq!(names.unique(Some("A.md")), "A (3)");
        assert_eq!(names.unique(None), "document");
        assert_eq!(names.unique(None), "document (2)");
        let long = "y".repeat(300);
        let first = names.unique(Some(&long));
        let second = names.unique(Some(&long));
        assert_eq!(first.len(), MAX_NAME_CHARS);
        assert!(second.len() <= MAX_NAME_CHARS && second.ends_with(" (2)"), "{second}");
    }

    #[test]
    fn blocks_carry_format_bytes_context_and_citations() {
        let document = api::Document {
            source: Some(api::document::Source::Url("data:text/plain;base64,aGVsbG8=".into())),
            filename: Some("greeting.txt".into()),
            context: Some("a greeting".into()),
            ..Default::default()
        };
        let mut names = Names::default();
        let claude = S3Access { model_id: "anthropic.claude-3-haiku-20240307-v1:0", bucket_owner: None };
        let ContentBlock::Document(block) = block(&document, "d", &mut names, true, &claude).unwrap() else {
            panic!("a document block")
        };
        assert_eq!(block.format(), &DocumentFormat::Txt);
        assert_eq!(block.name(), "greeting");
        assert_eq!(block.context(), Some("a greeting"));
        assert_eq!(block.citations().map(|c| c.enabled()), Some(true));
        let Some(DocumentSource::Bytes(bytes)) = block.source() else { panic!("bytes") };
        assert_eq!(bytes.as_ref(), b"hello");
        let off = api::Document { citations: Some(false), ..document };
        let ContentBlock::Document(block) = super::block(&off, "d", &mut names, true, &claude).unwrap()
        else {
            panic!("a document block")
        };
        assert!(block.citations().is_none(), "the document's own switch wins");
        assert_eq!(block.name(), "greeting (2)");
    }

    #[test]
    fn s3_documents_go_to_models_that_read_s3_with_the_bucket_owner() {
        let document = api::Document {
            source: Some(api::document::Source::Url("s3://reports/2026/q3.pdf".into())),
            ..Default::default()
        };
        let nova = S3Access { model_id: "us.amazon.nova-pro-v1:0", bucket_owner: Some("123456789012") };
        let mut names = Names::default();
        let ContentBlock::Document(block) = block(&document, "d", &mut names, false, &nova).unwrap() else {
            panic!("a document block")
        };
        assert_eq!(block.format(), &DocumentFormat::Pdf);
        let Some(DocumentSource::S3Location(location)) = block.source() else { panic!("an S3 location") };
        assert_eq!(
            (location.uri(), location.bucket_owner()),
            ("s3://reports/2026/q3.pdf", Some("123456789012"))
        );
        let claude = S3Access { model_id: "anthropic.claude-3-haiku-20240307-v1:0", bucket_owner: None };
        let error = super::block(&document, "d", &mut names, false, &claude).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("d.url"));
        assert!(error.message.contains("anthropic.claude-3-haiku-20240307-v1:0"), "{}", error.message);
    }
}
