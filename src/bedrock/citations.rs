//! Bedrock's citations (a `citationsContent` block in an answer, a `citation` delta in a stream) as
//! the API's flat [`api::Citation`]: title, document index, cited text, and a location whose kind
//! says how its start and end count.

use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{
    Citation, CitationGeneratedContent, CitationLocation, CitationSourceContent, CitationsContentBlock,
    CitationsDelta,
};

/// A citations block: the text it generated, and what that text cites.
pub fn content_block(block: &CitationsContentBlock) -> (String, Vec<api::Citation>) {
    let text = block
        .content()
        .iter()
        .filter_map(|content| match content {
            CitationGeneratedContent::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    (text, block.citations().iter().map(citation).collect())
}

/// One citation of an answer.
pub fn citation(citation: &Citation) -> api::Citation {
    let cited_text = citation
        .source_content()
        .iter()
        .filter_map(|content| match content {
            CitationSourceContent::Text(text) => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    located(citation.title(), citation.source(), cited_text, citation.location())
}

/// One citation of a stream.
pub fn delta(delta: &CitationsDelta) -> api::Citation {
    let cited_text =
        delta.source_content().iter().filter_map(|content| content.text()).collect::<Vec<_>>().join(" ");
    located(delta.title(), delta.source(), cited_text, delta.location())
}

fn located(
    title: Option<&str>,
    source: Option<&str>,
    cited_text: String,
    location: Option<&CitationLocation>,
) -> api::Citation {
    let unsigned = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
    let (location_type, document_index, start, end, url) = match location {
        Some(CitationLocation::DocumentChar(at)) => {
            ("document_char", at.document_index(), at.start(), at.end(), None)
        }
        Some(CitationLocation::DocumentPage(at)) => {
            ("document_page", at.document_index(), at.start(), at.end(), None)
        }
        Some(CitationLocation::DocumentChunk(at)) => {
            ("document_chunk", at.document_index(), at.start(), at.end(), None)
        }
        Some(CitationLocation::SearchResultLocation(at)) => {
            ("search_result", at.search_result_index(), at.start(), at.end(), None)
        }
        Some(CitationLocation::Web(at)) => ("web", None, None, None, at.url()),
        // A location kind newer than this build, or none: the citation's text still helps.
        _ => ("unknown", None, None, None, None),
    };
    api::Citation {
        title: title.unwrap_or_default().to_owned(),
        document_index: unsigned(document_index),
        cited_text,
        location_type: location_type.to_owned(),
        start: unsigned(start),
        end: unsigned(end),
        source: url.or(source).map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_bedrockruntime::types::{
        CitationSourceContentDelta, DocumentCharLocation, DocumentPageLocation, WebLocation,
    };

    #[test]
    fn document_and_web_locations_become_flat_citations() {
        let cited = Citation::builder()
            .title("Q3 report")
            .source_content(CitationSourceContent::Text("Revenue grew 12%.".into()))
            .location(CitationLocation::DocumentChar(
                DocumentCharLocation::builder().document_index(1).start(10).end(27).build(),
            ))
            .build();
        let block = CitationsContentBlock::builder()
            .content(CitationGeneratedContent::Text("Revenue grew by 12%.".into()))
            .citations(cited)
            .build();
        let (text, citations) = content_block(&block);
        assert_eq!(text, "Revenue grew by 12%.");
        assert_eq!(
            citations,
            vec![api::Citation {
                title: "Q3 report".into(),
                document_index: Some(1),
                cited_text: "Revenue grew 12%.".into(),
                location_type: "document_char".into(),
                start: Some(10),
                end: Some(27),
                source: None,
            }]
        );

        let page = CitationsDelta::builder()
            .title("scan")
            .source_content(CitationSourceContentDelta::builder().text("p. 2").build())
            .location(CitationLocation::DocumentPage(
                DocumentPageLocation::builder().document_index(0).start(2).end(3).build(),
            ))
            .build();
        let page = delta(&page);
        assert_eq!((page.location_type.as_str(), page.start, page.end), ("document_page", Some(2), Some(3)));

        let web = Citation::builder()
            .title("Example")
            .location(CitationLocation::Web(WebLocation::builder().url("https://example.com/a").build()))
            .build();
        let web = citation(&web);
        assert_eq!(web.location_type, "web");
        assert_eq!(web.source.as_deref(), Some("https://example.com/a"));
        assert_eq!(web.document_index, None);
    }
}
