//! Every credential method of the authentication guide, end to end: the real server (a child with a
//! cleared AWS environment and a temp HOME) against the emulator's STS, IMDSv2, container endpoint
//! and Bedrock, asserting from the emulator's log exactly which credentials signed the Bedrock call.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::emulator::{DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY};
use common::*;
use serde_json::Value;
use std::time::Duration;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/BedrockAccessRole";

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn demo_keys() -> Vec<(String, String)> {
    vars(&[
        ("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_ACCESS_KEY),
        ("AWS_REGION", "us-east-1"),
    ])
}

/// Makes one chat call and returns the emulator's record of the Bedrock call it caused.
async fn bedrock_call(stack: &Stack) -> Value {
    let response = stack.chat().await.chat_completion(ask("who am I")).await.expect("the chat call works");
    assert_eq!(answer_text(&response.into_inner()), "You said: who am I");
    let calls = stack.recorded_ops("converse");
    calls.last().cloned().expect("a Bedrock call was recorded")
}

/// The Bedrock call verified with exactly these temporary credentials.
fn assert_signed_with_temporary(call: &Value, access_key_id: &str) {
    assert_eq!(call["access_key_id"], access_key_id, "{call}");
    assert_eq!(call["session_token_sent"], true, "temporary credentials carry a session token");
    assert_eq!(call["outcome"], "ok", "the signature verified");
    assert!(access_key_id.starts_with("ASIA"));
}

#[tokio::test]
async fn static_keys_sign_bedrock_calls() {
    let stack = Stack::start_custom(&[], None, |_| (vec![], demo_keys()));
    let call = bedrock_call(&stack).await;
    assert_eq!(call["access_key_id"], DEMO_ACCESS_KEY_ID);
    assert_eq!(call["session_token_sent"], false);
    assert!(stack.server.logs().contains("credentials=static"), "start-up names the method");
}

#[tokio::test]
async fn static_keys_with_a_session_token_as_lambda_provides_them() {
    let credential = "ASIALAMBDAEXAMPLE001:lambda-secret:lambda-session-token";
    let stack = Stack::start_custom(&["--credential", credential], None, |_| {
        (
            vec![],
            vars(&[
                ("AWS_ACCESS_KEY_ID", "ASIALAMBDAEXAMPLE001"),
                ("AWS_SECRET_ACCESS_KEY", "lambda-secret"),
                ("AWS_SESSION_TOKEN", "lambda-session-token"),
                ("AWS_REGION", "us-east-1"),
            ]),
        )
    });
    let call = bedrock_call(&stack).await;
    assert_eq!(call["access_key_id"], "ASIALAMBDAEXAMPLE001");
    assert_eq!(call["session_token_sent"], true);
}

#[tokio::test]
async fn a_profile_from_the_shared_credentials_file() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[bedrock-dev]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = profile-secret\n",
    )
    .unwrap();
    std::fs::write(home.path().join(".aws/config"), "[profile bedrock-dev]\nregion = us-west-2\n").unwrap();
    let stack =
        Stack::start_custom(&["--credential", "AKIAPROFILEEXAMPLE01:profile-secret"], Some(home), |_| {
            (vec![], vars(&[("AWS_PROFILE", "bedrock-dev")]))
        });
    let call = bedrock_call(&stack).await;
    assert_eq!(call["access_key_id"], "AKIAPROFILEEXAMPLE01");
    assert_eq!(call["region"], "us-west-2", "the region comes from the profile");
}

#[tokio::test]
async fn a_profile_role_chain_with_source_profile_and_external_id() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[profile base]\naws_access_key_id = {DEMO_ACCESS_KEY_ID}\naws_secret_access_key = {DEMO_SECRET_ACCESS_KEY}\n\n\
             [profile bedrock]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nexternal_id = profile-external-id\n\
             role_session_name = profile-session\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    let stack = Stack::start_custom(&["--external-id", "profile-external-id"], Some(home), |emulator| {
        (vec![], vars(&[("AWS_PROFILE", "bedrock"), ("AWS_ENDPOINT_URL_STS", emulator)]))
    });
    let call = bedrock_call(&stack).await;
    let assume = stack.recorded_ops("sts:AssumeRole");
    let last = assume.last().expect("STS AssumeRole was called");
    assert_eq!(last["access_key_id"], DEMO_ACCESS_KEY_ID, "signed with the source profile's keys");
    assert_eq!(last["body"]["RoleArn"], ROLE_ARN);
    assert_eq!(last["body"]["ExternalId"], "profile-external-id");
    assert_eq!(last["body"]["RoleSessionName"], "profile-session");
    assert_signed_with_temporary(&call, last["body"]["issued_access_key_id"].as_str().unwrap());
}

#[tokio::test]
async fn role_assumption_with_external_id_session_name_and_duration() {
    let stack = Stack::start_custom(&["--external-id", "unique-external-id"], None, |emulator| {
        let mut env = demo_keys();
        env.extend(vars(&[
            ("AWS_ROLE_ARN", ROLE_ARN),
            ("AWS_ROLE_SESSION_NAME", "custom-session"),
            ("AWS_EXTERNAL_ID", "unique-external-id"),
            ("AWS_ROLE_SESSION_DURATION", "1800"),
            ("AWS_ENDPOINT_URL_STS", emulator),
        ]));
        (vec![], env)
    });
    let call = bedrock_call(&stack).await;
    let assume = stack.recorded_ops("sts:AssumeRole");
    let last = assume.last().expect("STS AssumeRole was called");
    assert_eq!(last["access_key_id"], DEMO_ACCESS_KEY_ID, "base credentials signed AssumeRole");
    assert_eq!(last["outcome"], "ok");
    let body = &last["body"];
    assert_eq!(
        (&body["RoleArn"], &body["RoleSessionName"], &body["ExternalId"], &body["DurationSeconds"]),
        (
            &Value::from(ROLE_ARN),
            &Value::from("custom-session"),
            &Value::from("unique-external-id"),
            &Value::from("1800")
        )
    );
    assert_signed_with_temporary(&call, body["issued_access_key_id"].as_str().unwrap());
    assert!(stack.server.logs().contains("assume-role (base credentials: static)"));
}

#[tokio::test]
async fn role_assumption_defaults_the_session_name() {
    let stack = Stack::start_custom(&[], None, |emulator| {
        let mut env = demo_keys();
        env.extend(vars(&[("AWS_ROLE_ARN", ROLE_ARN), ("AWS_ENDPOINT_URL_STS", emulator)]));
        (vec!["--credentials".into(), "assume-role".into()], env)
    });
    bedrock_call(&stack).await;
    let assume = stack.recorded_ops("sts:AssumeRole");
    assert_eq!(assume.last().unwrap()["body"]["RoleSessionName"], "amazon-chat-session");
    assert!(assume.last().unwrap()["body"].get("ExternalId").is_none());
}

#[tokio::test]
async fn web_identity_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "eyJhbGciOiJSUzI1NiJ9.oidc-token.signature\n").unwrap();
    let token_path = token_file.to_str().unwrap().to_owned();
    let stack = Stack::start_custom(&[], None, |emulator| {
        (
            vec![],
            vars(&[
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/GitHubActionsRole"),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", &token_path),
                ("AWS_ENDPOINT_URL_STS", emulator),
                ("AWS_REGION", "us-east-1"),
            ]),
        )
    });
    let call = bedrock_call(&stack).await;
    let assume = stack.recorded_ops("sts:AssumeRoleWithWebIdentity");
    let last = assume.last().expect("AssumeRoleWithWebIdentity was called");
    assert_eq!(last["body"]["RoleArn"], "arn:aws:iam::123456789012:role/GitHubActionsRole");
    assert_eq!(last["body"]["RoleSessionName"], "amazon-chat-session");
    assert_eq!(last["body"]["WebIdentityToken"], "<42 bytes>", "the file's token was sent as is");
    assert_signed_with_temporary(&call, last["body"]["issued_access_key_id"].as_str().unwrap());
}

#[tokio::test]
async fn ec2_instance_role_over_imdsv2() {
    let stack = Stack::start_custom(&[], None, |emulator| {
        (
            vec![],
            vars(&[
                ("AWS_EC2_METADATA_DISABLED", "false"),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", emulator),
                ("AWS_REGION", "us-east-1"),
            ]),
        )
    });
    let call = bedrock_call(&stack).await;
    let issued = stack.recorded_ops("imds:credentials");
    let key = issued.last().expect("IMDS credentials were fetched")["body"]["issued_access_key_id"].clone();
    assert_signed_with_temporary(&call, key.as_str().unwrap());
    assert!(stack.server.logs().contains("credentials=platform"));
}

#[tokio::test]
async fn ecs_or_eks_container_role() {
    let stack = Stack::start_custom(&["--container-token", "container-auth-token"], None, |emulator| {
        (
            vec![],
            vars(&[
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("{emulator}/container-credentials")),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token"),
                ("AWS_REGION", "us-east-1"),
            ]),
        )
    });
    let call = bedrock_call(&stack).await;
    let issued = stack.recorded_ops("container:credentials");
    let key =
        issued.last().expect("container credentials were fetched")["body"]["issued_access_key_id"].clone();
    assert_signed_with_temporary(&call, key.as_str().unwrap());
}

#[tokio::test]
async fn a_wrong_external_id_is_not_serving_with_advice() {
    let stack = Stack::start_custom(&["--external-id", "the-right-one"], None, |emulator| {
        let mut env = demo_keys();
        env.extend(vars(&[
            ("AWS_ROLE_ARN", ROLE_ARN),
            ("AWS_EXTERNAL_ID", "a-wrong-one"),
            ("AWS_ENDPOINT_URL_STS", emulator),
        ]));
        (vec![], env)
    });
    let ready = curl(&stack.server.url, "/ready", &[]);
    assert_eq!(ready.status, 503, "not ready without credentials");
    let logs = stack.server.logs();
    assert!(logs.contains("cannot resolve AWS credentials with assume-role"), "{logs}");
    assert!(logs.contains("not authorized to perform: sts:AssumeRole"), "{logs}");
    assert!(logs.contains("external id"), "the advice mentions the external id: {logs}");
    let status = stack.chat().await.chat_completion(ask("hi")).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
    assert!(stack.recorded_ops("converse").is_empty(), "nothing unsigned reached Bedrock");
}

#[tokio::test]
async fn a_missing_token_file_is_not_serving_until_it_appears() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    let token_path = token_file.to_str().unwrap().to_owned();
    let stack = Stack::start_custom(&[], None, |emulator| {
        (
            vec![],
            vars(&[
                ("AWS_ROLE_ARN", ROLE_ARN),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", &token_path),
                ("AWS_ENDPOINT_URL_STS", emulator),
                ("AWS_REGION", "us-east-1"),
            ]),
        )
    });
    assert_eq!(curl(&stack.server.url, "/ready", &[]).status, 503);
    let logs = stack.server.logs();
    assert!(logs.contains("cannot resolve AWS credentials with web-identity"), "{logs}");
    assert!(logs.contains(&token_path), "the log names the file: {logs}");

    // The platform mounts the token later (as EKS does): the server recovers on its own.
    std::fs::write(&token_file, "late-token").unwrap();
    let logs =
        stack.server.wait_for_log(Duration::from_secs(10), |logs| logs.contains("AWS credentials resolved"));
    assert!(logs.contains("AWS credentials resolved"), "{logs}");
    assert_eq!(curl(&stack.server.url, "/ready", &[]).status, 200);
    bedrock_call(&stack).await;
}

#[tokio::test]
async fn credentials_roll_over_under_load_without_failed_requests() {
    // Issued credentials live 4 s and the server refreshes them 2-3 s before expiry, so they roll
    // over every second or two while the load runs. (The SDK judges expiry by the wall clock, which
    // a paused tokio clock does not move: the window is shortened instead.)
    let stack = Stack::start_custom(&["--credential-lifetime", "4s"], None, |emulator| {
        let mut env = demo_keys();
        env.extend(vars(&[("AWS_ROLE_ARN", ROLE_ARN), ("AWS_ENDPOINT_URL_STS", emulator)]));
        (vec!["--credentials-refresh-window".into(), "2s".into()], env)
    });
    let channel = stack.channel().await;
    let started = std::time::Instant::now();
    // Every access key that signed a Bedrock call so far (the emulator's log is read as it grows).
    let mut keys = std::collections::BTreeSet::new();
    let mut requests = 0;
    // Bounded: until three credential sets have signed calls, or 20 s.
    while keys.len() < 3 && started.elapsed() < Duration::from_secs(20) {
        let calls = (0..8).map(|_| {
            let mut chat =
                amazon_chat::proto::v1::chat_service_client::ChatServiceClient::new(channel.clone());
            async move { chat.chat_completion(ask("load")).await }
        });
        for result in futures::future::join_all(calls).await {
            result.expect("no request fails while credentials roll over");
            requests += 1;
        }
        for call in stack.recorded_ops("converse") {
            assert_eq!(call["outcome"], "ok", "Bedrock refused a call: {call}");
            keys.insert(call["access_key_id"].as_str().unwrap_or_default().to_owned());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let distinct = keys.len();
    assert!(
        distinct >= 3,
        "credentials rolled over at least twice ({distinct} sets in {:?})",
        started.elapsed()
    );
    let refreshes = stack.recorded_ops("sts:AssumeRole").len();
    assert!(
        refreshes <= distinct + 2,
        "{requests} concurrent requests caused {refreshes} AssumeRole calls for {distinct} credential sets: one refresh per rollover"
    );
}

#[test]
fn secrets_stay_out_of_config_show() {
    let home = tempfile::tempdir().unwrap();
    let output = isolated(home.path())
        .args(["config", "show"])
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEYID0001")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-secret-for-config-show")
        .env("AWS_SESSION_TOKEN", "session-token-for-config-show")
        .env("API_KEYS", "sk-one-for-config-show,sk-two-for-config-show")
        .env("AMAZON_CHAT_REDIS_URL", "redis://limits:redis-password-for-config-show@127.0.0.1:6379/0")
        .output()
        .unwrap();
    assert!(output.status.success());
    let shown = String::from_utf8(output.stdout).unwrap();
    for secret in
        ["wJalrXUtnFEMI", "session-token-for-config-show", "sk-one-for", "sk-two-for", "redis-password-for"]
    {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    let json: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(json["aws"]["access_key_id"], "AKIAEXAMPLEKEYID0001");
    assert_eq!(json["aws"]["secret_access_key"], "****");
    assert_eq!(json["redis_url"], "****", "the URL may hold a password");
}

/// A server whose only credential is `api_key` as AWS_BEARER_TOKEN_BEDROCK (plus `extra` env),
/// with `--credentials <method>`.
fn with_api_key(api_key: &str, method: &str, extra: &[(&str, &str)]) -> Stack {
    let mut env = vec![
        ("AWS_BEARER_TOKEN_BEDROCK".to_owned(), api_key.to_owned()),
        ("AWS_REGION".into(), "us-east-1".into()),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Stack::start_custom(&[], None, |_| (vec!["--credentials".to_owned(), method.to_owned()], env))
}

#[tokio::test]
async fn a_bedrock_api_key_is_sent_as_a_bearer_token_on_both_planes() {
    for method in ["bedrock-api-key", "auto"] {
        let stack = with_api_key(amazon_chat::emulator::bearer::DEMO_BEARER_TOKEN, method, &[]);
        let answer = stack.chat().await.chat_completion(ask("hi")).await.unwrap().into_inner();
        assert_eq!(answer_text(&answer), "You said: hi", "{method}");
        let call = stack.recorded_ops("converse").pop().unwrap();
        assert_eq!(call["access_key_id"], "bearer", "{method}: a bearer call, not SigV4: {call}");
        let listed = stack.recorded_ops("control:ListFoundationModels");
        assert!(!listed.is_empty() && listed.iter().all(|c| c["access_key_id"] == "bearer"), "{listed:?}");
    }
}

#[test]
fn a_stray_bearer_token_does_not_override_the_configured_method() {
    // The AWS SDKs switch to bearer auth whenever AWS_BEARER_TOKEN_BEDROCK is set; a server
    // configured for static keys must still sign with them.
    let keys = [("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID), ("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_ACCESS_KEY)];
    let stack = with_api_key("ABSKc3RyYXktdG9rZW4=", "static", &keys);
    let response = curl_chat(
        &stack.server.url,
        None,
        &serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}).to_string(),
    );
    assert_eq!(response.status, 200, "{}", response.body);
    let call = stack.recorded_ops("converse").pop().unwrap();
    assert_eq!(call["access_key_id"], DEMO_ACCESS_KEY_ID, "signed with the static keys: {call}");
    let listed = stack.recorded_ops("control:ListFoundationModels");
    assert!(listed.iter().all(|c| c["access_key_id"] == DEMO_ACCESS_KEY_ID), "{listed:?}");
}

#[tokio::test]
async fn a_wrong_bedrock_api_key_is_unauthenticated_and_never_shown() {
    let key = "ABSKd3Jvbmcta2V5LW5ldmVyLXNob3du";
    let stack = with_api_key(key, "bedrock-api-key", &[]);
    let status = stack.chat().await.chat_completion(ask("hi")).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("API key"), "{}", status.message());
    assert!(!status.message().contains(key));
    let logs = stack.server.logs();
    assert!(!logs.contains(key), "the key leaked into the logs");

    let home = tempfile::tempdir().unwrap();
    let shown =
        isolated(home.path()).args(["config", "show"]).env("AWS_BEARER_TOKEN_BEDROCK", key).output().unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(!shown.contains(key), "{shown}");
    let json: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(json["aws"]["bearer_token"], "****");
}
