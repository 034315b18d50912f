//! The table against its contract and against its two copies for readers (README.md and the
//! proto), so none of the three can drift from the others.

use super::*;
use std::collections::BTreeSet;

/// `InvalidArgument` → `INVALID_ARGUMENT`, the name gRPC documents.
fn grpc_name(code: tonic::Code) -> String {
    let mut name = String::new();
    for (i, c) in format!("{code:?}").chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_table_matches_the_documented_contract() {
    let cases = [
        (ErrorKind::InvalidArgument, tonic::Code::InvalidArgument, 400),
        (ErrorKind::PayloadTooLarge, tonic::Code::ResourceExhausted, 413),
        (ErrorKind::InvalidApiKey, tonic::Code::Unauthenticated, 401),
        (ErrorKind::Unauthenticated, tonic::Code::Unauthenticated, 401),
        (ErrorKind::PermissionDenied, tonic::Code::PermissionDenied, 403),
        (ErrorKind::ModelNotFound, tonic::Code::NotFound, 404),
        (ErrorKind::UnknownRoute, tonic::Code::Unimplemented, 404),
        (ErrorKind::MethodNotAllowed, tonic::Code::Unimplemented, 405),
        (ErrorKind::ResourceExhausted, tonic::Code::ResourceExhausted, 429),
        (ErrorKind::Unavailable, tonic::Code::Unavailable, 503),
        (ErrorKind::DeadlineExceeded, tonic::Code::DeadlineExceeded, 504),
        (ErrorKind::Internal, tonic::Code::Internal, 500),
    ];
    for (kind, grpc, http) in cases {
        let class = kind.describe();
        assert_eq!(class.grpc, grpc, "{kind:?}");
        assert_eq!(class.http.as_u16(), http, "{kind:?}");
    }
    assert_eq!(ErrorKind::Configuration.describe().exit_code, 2, "a usage error");
    assert_eq!(ErrorKind::Startup.describe().exit_code, 1);
}

#[test]
fn every_kind_is_listed_once() {
    let names: BTreeSet<String> = ErrorKind::ALL.iter().map(|k| format!("{k:?}")).collect();
    assert_eq!(names.len(), ErrorKind::ALL.len());
}

/// The README's table, row by row: kind, gRPC, HTTP, reason, OpenAI type, OpenAI code, Anthropic
/// type, Bedrock type, exit status.
#[test]
fn the_readme_copy_of_the_table_agrees_with_the_code() {
    let readme = read("README.md");
    let start = readme.find("<!-- error-table -->").expect("README marks its error table");
    let rows: Vec<Vec<String>> = readme[start..]
        .lines()
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| line.trim_matches('|').split('|').map(|cell| cell.trim().replace('`', "")).collect())
        .collect();
    let mut seen = BTreeSet::new();
    for row in &rows {
        let [kind, _when, grpc, http, reason, openai_type, openai_code, anthropic_type, bedrock_type, exit] =
            row.as_slice()
        else {
            panic!("README error table row has the wrong number of cells: {row:?}");
        };
        let kind = ErrorKind::ALL
            .into_iter()
            .find(|k| format!("{k:?}") == *kind)
            .unwrap_or_else(|| panic!("README names a kind the code does not have: {kind}"));
        let class = kind.describe();
        let expected = match class.scope {
            Scope::Call => [
                grpc_name(class.grpc),
                class.http.as_u16().to_string(),
                class.reason.to_owned(),
                class.openai_type.to_owned(),
                class.openai_code.to_owned(),
                class.anthropic_type.to_owned(),
                class.bedrock_type.to_owned(),
            ],
            Scope::Process => [
                "—".into(),
                "—".into(),
                class.reason.to_owned(),
                "—".into(),
                "—".into(),
                "—".into(),
                "—".into(),
            ],
        };
        assert_eq!(
            [grpc, http, reason, openai_type, openai_code, anthropic_type, bedrock_type].map(String::as_str),
            expected.each_ref().map(String::as_str),
            "README row for {kind:?}"
        );
        assert_eq!(exit, &class.exit_code.to_string(), "README exit status for {kind:?}");
        seen.insert(format!("{kind:?}"));
    }
    let missing: Vec<String> =
        ErrorKind::ALL.iter().map(|k| format!("{k:?}")).filter(|k| !seen.contains(k)).collect();
    assert!(missing.is_empty(), "README's error table lacks {missing:?}");
}

/// The proto's service comment lists each `CODE (HTTP nnn)` pair a call can end with.
#[test]
fn the_proto_copy_of_the_table_agrees_with_the_code() {
    let proto = read("proto/amazon_chat/v1/chat.proto");
    let mut documented = BTreeSet::new();
    for (at, _) in proto.match_indices(" (HTTP ") {
        let code_start = proto[..at].rfind(|c: char| !(c.is_ascii_uppercase() || c == '_')).unwrap() + 1;
        let status = &proto[at + 7..at + 10];
        documented.insert((proto[code_start..at].to_owned(), status.to_owned()));
    }
    let table: BTreeSet<(String, String)> = ErrorKind::ALL
        .iter()
        .map(|k| k.describe())
        .filter(|class| class.scope == Scope::Call)
        .map(|class| (grpc_name(class.grpc), class.http.as_u16().to_string()))
        .collect();
    assert_eq!(documented, table, "chat.proto's error list (CODE (HTTP nnn)) against the table");
}

#[test]
fn invalid_names_the_field_in_the_message() {
    let err = Error::invalid("messages[1].role", "unknown role \"wizard\"");
    assert_eq!(err.field.as_deref(), Some("messages[1].role"));
    assert_eq!(err.to_string(), "messages[1].role: unknown role \"wizard\"");
}

#[test]
fn a_missing_model_is_a_resource() {
    let err = Error::model_not_found("model", "nope-1", "no such model");
    assert_eq!(err.kind, ErrorKind::ModelNotFound);
    assert_eq!(err.resource.as_deref(), Some(&Resource { kind: "model", name: "nope-1".into() }));
    assert_eq!(err.class().openai_code, "model_not_found");
}
