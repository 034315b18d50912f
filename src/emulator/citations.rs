//! Citations, for documents sent with `citations: {enabled: true}`: the emulator quotes each
//! document's first sentence (at most 100 characters) and says where the quote sits, as Bedrock's
//! `citationsContent` blocks do.
//!
//! - The quote comes from [`Document::text`]: the text of txt documents and text sources, the
//!   longest printable ASCII run of a PDF's first 4 KB; `(no text)` when there is none.
//! - A citation is `{"title": <name>, "sourceContent": [{"text": <quote>}], "location": ...}`, the
//!   location `documentChar` (character offsets of the quote, end exclusive) or, for a PDF,
//!   `documentPage` (page 1 to 2), with the document's index in the request.

use super::answer::Block;
use super::documents::Document;
use serde_json::{Value, json};

/// The longest quote, in characters.
const MAX_QUOTE: usize = 100;
/// The quote of a document with no readable text.
const NO_TEXT: &str = "(no text)";

/// The first sentence of `text` (or its first 100 characters), with its start and end in
/// characters.
pub fn quote(text: &str) -> (String, usize, usize) {
    let start = text.chars().take_while(|c| c.is_whitespace()).count();
    let window: Vec<char> = text.chars().skip(start).take(MAX_QUOTE).collect();
    let sentence_end = (0..window.len()).find(|&k| {
        matches!(window[k], '.' | '!' | '?') && window.get(k + 1).is_none_or(|next| next.is_whitespace())
    });
    let taken: String = window[..sentence_end.map_or(window.len(), |k| k + 1)].iter().collect();
    let quote = taken.trim_end().to_owned();
    let end = start + quote.chars().count();
    (quote, start, end)
}

/// The citations block answering a document.
pub fn block(document: &Document) -> Block {
    let (found, start, end) = quote(&document.text());
    let (text, start, end) = if found.is_empty() { (NO_TEXT.to_owned(), 0, 0) } else { (found, start, end) };
    let location = if document.format == "pdf" {
        json!({"documentPage": {"documentIndex": document.index, "start": 1, "end": 2}})
    } else {
        json!({"documentChar": {"documentIndex": document.index, "start": start, "end": end}})
    };
    let citation: Value =
        json!({"title": document.name, "sourceContent": [{"text": text}], "location": location});
    Block::Citations { text, citations: vec![citation] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::documents::Source;

    fn document(format: &str, source: Source, index: usize) -> Document {
        Document { message: 0, index, name: "facts".into(), format: format.into(), source, citations: true }
    }

    #[test]
    fn the_quote_is_the_first_sentence_or_the_first_hundred_characters() {
        assert_eq!(quote("The sky is blue. Grass is green."), ("The sky is blue.".into(), 0, 16));
        assert_eq!(quote("  Why? Because."), ("Why?".into(), 2, 6));
        assert_eq!(quote("version 1.5 is out"), ("version 1.5 is out".into(), 0, 18));
        let long = "word ".repeat(40);
        let (text, start, end) = quote(&long);
        assert_eq!((text.chars().count(), start, end), (99, 0, 99), "100 characters, trailing space trimmed");
        assert_eq!(
            quote("Grüße aus Köln. Mehr."),
            ("Grüße aus Köln.".into(), 0, 15),
            "offsets count characters"
        );
        assert_eq!(quote("   "), (String::new(), 3, 3));
    }

    #[test]
    fn citation_blocks_locate_the_quote() {
        let txt = document("txt", Source::Text("The sky is blue. Grass is green.".into()), 2);
        assert_eq!(
            block(&txt),
            Block::Citations {
                text: "The sky is blue.".into(),
                citations: vec![json!({
                    "title": "facts",
                    "sourceContent": [{"text": "The sky is blue."}],
                    "location": {"documentChar": {"documentIndex": 2, "start": 0, "end": 16}}
                })]
            }
        );
        let pdf = document(
            "pdf",
            Source::Bytes(b"%PDF-1.4\n\x00Quarterly revenue rose. Costs fell.\x00".to_vec()),
            0,
        );
        let Block::Citations { text, citations } = block(&pdf) else { panic!() };
        assert_eq!(text, "Quarterly revenue rose.");
        assert_eq!(
            citations[0]["location"],
            json!({"documentPage": {"documentIndex": 0, "start": 1, "end": 2}})
        );
        let empty = document("txt", Source::Text(String::new()), 0);
        let Block::Citations { text, citations } = block(&empty) else { panic!() };
        assert_eq!(text, "(no text)");
        assert_eq!(
            citations[0]["location"]["documentChar"],
            json!({"documentIndex": 0, "start": 0, "end": 0})
        );
    }
}
