//! Documents (Converse document blocks): their formats, Bedrock's limits on them, and where they may
//! appear; and the request's image count, which Bedrock limits too. A document's format is explicit, or follows from its data URL's media type, or from its
//! filename's extension; a document whose format cannot be told is refused rather than guessed.

use super::{bounded, data_url, s3};
use crate::error::{Error, Result};
use crate::proto::v1 as api;

/// Bedrock's document formats.
pub const FORMATS: &[&str] = &["pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"];
/// The most images in one request (Bedrock's limit).
pub const MAX_IMAGES: usize = 20;
/// The most documents in one request (Bedrock's limit).
pub const MAX_DOCUMENTS: usize = 5;
/// The largest document, decoded: 4.5 MB (Bedrock's limit).
pub const MAX_DOCUMENT_BYTES: usize = 4_718_592;
/// The longest filename taken (the name sent is at most 200 characters; see `bedrock::documents`).
pub const MAX_FILENAME_CHARS: usize = 1000;
/// The longest document context.
pub const MAX_CONTEXT_CHARS: usize = 10_000;

/// Media types and the formats they mean.
const MEDIA_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("text/csv", "csv"),
    ("application/msword", "doc"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("application/vnd.ms-excel", "xls"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("text/html", "html"),
    ("text/plain", "txt"),
    ("text/markdown", "md"),
    ("text/x-markdown", "md"),
];

/// Checks one document part; `field` names it (`messages[0].content.parts[1].document`).
pub fn check(document: &api::Document, field: &str) -> Result<&'static str> {
    let api::Document { source, format: _, filename, citations: _, context } = document;
    if let Some(filename) = filename {
        bounded(&format!("{field}.filename"), filename, MAX_FILENAME_CHARS)?;
    }
    if let Some(context) = context {
        bounded(&format!("{field}.context"), context, MAX_CONTEXT_CHARS)?;
    }
    let size = match source {
        None => return Err(Error::invalid(field, "needs its content: data or data_url")),
        Some(api::document::Source::Data(bytes)) => bytes.len(),
        Some(api::document::Source::Url(url)) => {
            let field = format!("{field}.url");
            if s3::parse(url, &field)?.is_some() {
                // Bedrock reads it, and checks its size.
                return format_of(document, &field);
            }
            let Some((_, data)) = data_url::split(url, &field)? else {
                return Err(Error::invalid(
                    field,
                    "must be a base64 data URL (data:application/pdf;base64,...) or an S3 URL (s3://bucket/key)",
                ));
            };
            data_url::decoded_len(data)
        }
    };
    if size == 0 {
        return Err(Error::invalid(field, "is empty"));
    }
    if size > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "is {size} bytes; Bedrock takes documents of at most {MAX_DOCUMENT_BYTES} bytes (4.5 MB)"
            ),
        ));
    }
    format_of(document, field)
}

/// The document's format: `format`, else the data URL's media type, else the filename's extension.
pub fn format_of(document: &api::Document, field: &str) -> Result<&'static str> {
    if let Some(format) = &document.format {
        let format = format.to_ascii_lowercase();
        return FORMATS.iter().copied().find(|known| **known == format).ok_or_else(|| {
            let shown: String = format.chars().take(32).collect();
            Error::invalid(format!("{field}.format"), format!("{shown:?}; expected one of {FORMATS:?}"))
        });
    }
    let url = match &document.source {
        Some(api::document::Source::Url(url)) => url.as_str(),
        _ => "",
    };
    if let Ok(Some((mime, _))) = data_url::split(url, field) {
        let mime = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if let Some((_, format)) = MEDIA_TYPES.iter().find(|(known, _)| *known == mime) {
            return Ok(format);
        }
    }
    let filename = document.filename.as_deref().and_then(|name| name.rsplit_once('.')).map(|(_, e)| e);
    let key = url.strip_prefix("s3://").and_then(|rest| rest.rsplit_once('.')).map(|(_, e)| e);
    for extension in [filename, key].into_iter().flatten() {
        let extension = extension.to_ascii_lowercase();
        if let Some(format) = FORMATS.iter().copied().find(|known| **known == extension) {
            return Ok(format);
        }
    }
    Err(Error::invalid(
        field,
        format!(
            "cannot tell the document's format: set format ({FORMATS:?}), a data URL media type such as application/pdf, or a filename (or S3 key) with the extension"
        ),
    ))
}

/// The documents and images of the whole request: within Bedrock's counts (which also bounds the
/// images the server fetches for one request), and each message holding a document also holds
/// text (Bedrock requires it).
pub fn across(messages: &[api::Message]) -> Result<()> {
    let mut count = 0;
    let mut images = 0;
    for (i, message) in messages.iter().enumerate() {
        let Some(api::message::Content::Parts(api::ContentParts { parts })) = &message.content else {
            continue;
        };
        images +=
            parts.iter().filter(|p| matches!(p.part, Some(api::content_part::Part::ImageUrl(_)))).count();
        if images > MAX_IMAGES {
            return Err(Error::invalid(
                format!("messages[{i}].content"),
                format!("the request holds more than {MAX_IMAGES} images, Bedrock's limit"),
            ));
        }
        let is_document =
            |part: &api::ContentPart| matches!(part.part, Some(api::content_part::Part::Document(_)));
        let documents = parts.iter().filter(|part| is_document(part)).count();
        if documents == 0 {
            continue;
        }
        count += documents;
        if count > MAX_DOCUMENTS {
            return Err(Error::invalid(
                format!("messages[{i}].content"),
                format!("the request holds more than {MAX_DOCUMENTS} documents, Bedrock's limit"),
            ));
        }
        let has_text = parts.iter().any(
            |part| matches!(&part.part, Some(api::content_part::Part::Text(text)) if !text.trim().is_empty()),
        );
        if !has_text {
            return Err(Error::invalid(
                format!("messages[{i}].content"),
                "a message with a document needs a text part too (Bedrock requires one): say what to do with it",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::document::Source;

    fn document(source: Source, format: Option<&str>, filename: Option<&str>) -> api::Document {
        api::Document {
            source: Some(source),
            format: format.map(str::to_owned),
            filename: filename.map(str::to_owned),
            ..Default::default()
        }
    }

    fn error_of(result: Result<&'static str>) -> (String, String) {
        let error = result.unwrap_err();
        (error.field.clone().unwrap_or_default(), error.message.clone())
    }

    #[test]
    fn the_format_comes_from_the_field_the_media_type_or_the_extension() {
        let pdf = Source::Url("data:application/pdf;base64,JVBERi0=".into());
        assert_eq!(check(&document(pdf.clone(), None, None), "d").unwrap(), "pdf");
        assert_eq!(check(&document(pdf.clone(), Some("TXT"), None), "d").unwrap(), "txt");
        let bytes = Source::Data(b"a,b\n1,2\n".to_vec());
        assert_eq!(check(&document(bytes.clone(), None, Some("figures.CSV")), "d").unwrap(), "csv");
        let octets = Source::Url("data:application/octet-stream;base64,JVBERi0=".into());
        assert_eq!(check(&document(octets, None, Some("report.docx")), "d").unwrap(), "docx");
        let (field, message) = error_of(check(&document(bytes.clone(), None, Some("notes")), "d"));
        assert_eq!(field, "d");
        assert!(message.contains("cannot tell the document's format"), "{message}");
        let (field, message) = error_of(check(&document(bytes, Some("pptx"), None), "d"));
        assert_eq!((field.as_str(), message.contains("\"pptx\"")), ("d.format", true));
    }

    #[test]
    fn size_source_and_bounds_are_checked_before_decoding() {
        assert_eq!(data_url::decoded_len("JVBERi0="), 5);
        assert_eq!(data_url::decoded_len("JVBERi0xLjQ="), 8);
        assert_eq!(data_url::decoded_len("YQ=="), 1);
        assert_eq!(data_url::decoded_len("YWI="), 2);
        assert_eq!(data_url::decoded_len("YWJj"), 3);
        let big = Source::Data(vec![b'a'; MAX_DOCUMENT_BYTES + 1]);
        let (field, message) = error_of(check(&document(big, Some("txt"), None), "d"));
        assert_eq!(field, "d");
        assert!(message.contains("at most 4718592 bytes"), "{message}");
        let (field, _) = error_of(check(&api::Document::default(), "d"));
        assert_eq!(field, "d");
        let remote = Source::Url("https://example.com/a.pdf".into());
        assert_eq!(error_of(check(&document(remote, None, None), "d")).0, "d.url");
        let in_s3 = Source::Url("s3://bucket/reports/q3.PDF".into());
        assert_eq!(check(&document(in_s3, None, None), "d").unwrap(), "pdf");
        let long_name = "n".repeat(MAX_FILENAME_CHARS + 1);
        let text = Source::Data(b"hello".to_vec());
        assert_eq!(error_of(check(&document(text, Some("txt"), Some(&long_name)), "d")).0, "d.filename");
    }

    fn user(parts: Vec<api::content_part::Part>) -> api::Message {
        api::Message {
            role: "user".into(),
            content: Some(api::message::Content::Parts(api::ContentParts {
                parts: parts
                    .into_iter()
                    .map(|p| api::ContentPart { part: Some(p), cache_control: None })
                    .collect(),
            })),
            ..Default::default()
        }
    }

    #[test]
    fn at_most_twenty_images() {
        let image = || {
            api::content_part::Part::ImageUrl(api::ImageUrl {
                url: "https://example.com/a.png".into(),
                detail: None,
            })
        };
        let text = || api::content_part::Part::Text("look".into());
        let mut parts = vec![text()];
        parts.extend((0..MAX_IMAGES).map(|_| image()));
        assert!(across(&[user(parts.clone())]).is_ok());
        parts.push(image());
        let error = across(&[user(parts)]).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("messages[0].content"));
        assert!(error.message.contains("more than 20 images"), "{}", error.message);
    }

    #[test]
    fn at_most_five_documents_and_never_without_text() {
        use api::content_part::Part;
        let doc = || Part::Document(document(Source::Data(b"x".to_vec()), Some("txt"), None));
        let text = || Part::Text("summarise".into());
        assert!(across(&[user(vec![text(), doc(), doc(), doc(), doc(), doc()])]).is_ok());
        let error =
            across(&[user(vec![text(), doc(), doc(), doc()]), user(vec![text(), doc(), doc(), doc()])])
                .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("messages[1].content"));
        let error = across(&[user(vec![doc(), Part::Text("  ".into())])]).unwrap_err();
        assert!(error.message.contains("needs a text part"), "{}", error.message);
    }
}
