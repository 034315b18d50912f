//! `amazon-chat doctor` against the emulator: the success report, and each troubleshooting case of
//! the authentication guide with its advice and a failing exit status.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::emulator::{DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY};
use common::*;

/// Runs doctor against `emulator` with exactly `env` (plus isolation), returning (success, stdout).
fn doctor(emulator: &Process, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let home = tempfile::tempdir().unwrap();
    let output = isolated(home.path())
        .arg("doctor")
        .args(["--bedrock-endpoint", &emulator.url, "--bedrock-max-attempts", "1"])
        .args(args)
        .env("AWS_ENDPOINT_URL_STS", &emulator.url)
        .env("AWS_REGION", "us-east-1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_non_ascii_access_key_id_is_reported_not_a_crash() {
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let (ok, report) = doctor(
        &emulator,
        &[],
        &[("AWS_ACCESS_KEY_ID", "ÄKIAÜNICØDE€€€€€"), ("AWS_SECRET_ACCESS_KEY", "wrong-secret")],
    );
    assert!(!ok, "{report}");
    assert!(report.contains("ÄKIA…€€€€"), "the id is masked by characters: {report}");
    assert!(report.contains("[FAIL]"), "{report}");
}

const DEMO_KEYS: [(&str, &str); 2] =
    [("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID), ("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_ACCESS_KEY)];

#[test]
fn a_working_setup_passes_every_check() {
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let (ok, report) = doctor(&emulator, &[], &DEMO_KEYS);
    assert!(ok, "{report}");
    for line in [
        "[ok]   region: us-east-1",
        "[ok]   credentials method: static — AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set",
        "[ok]   credentials: long-term, access key AKIA…0001, expire never",
        "[ok]   caller identity: account 123456789012, arn:aws:iam::123456789012:user/emulator-demo",
        "[ok]   model access: anthropic.claude-3-haiku-20240307-v1:0 answered in us-east-1",
        "all checks passed",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    assert!(!report.contains(DEMO_SECRET_ACCESS_KEY));
}

#[test]
fn an_assumed_role_shows_its_identity_and_expiry() {
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let mut env = DEMO_KEYS.to_vec();
    env.push(("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/BedrockAccessRole"));
    let (ok, report) = doctor(&emulator, &[], &env);
    assert!(ok, "{report}");
    assert!(report.contains("credentials method: assume-role (base credentials: static)"), "{report}");
    assert!(report.contains("[ok]   credentials: temporary, access key ASIA"), "{report}");
    assert!(report.contains("assumed-role/BedrockAccessRole/amazon-chat-session"), "{report}");
}

#[test]
fn demo_mode_passes() {
    let home = tempfile::tempdir().unwrap();
    let output = isolated(home.path()).args(["doctor", "--demo"]).output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
    assert!(report.contains("all checks passed"));
}

#[test]
fn access_denied_names_the_iam_actions() {
    let emulator = Process::start(&["emulator", "--port", "0", "--deny-model", MODEL], &[]);
    let (ok, report) = doctor(&emulator, &[], &DEMO_KEYS);
    assert!(!ok);
    assert!(report.contains("[FAIL] model access"), "{report}");
    assert!(
        report.contains("fix: Access denied. Verify the IAM permissions include bedrock:InvokeModel"),
        "{report}"
    );
}

#[test]
fn invalid_credentials_say_check_and_rotate() {
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let env = [("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID), ("AWS_SECRET_ACCESS_KEY", "wrong-secret")];
    let (ok, report) = doctor(&emulator, &[], &env);
    assert!(!ok);
    assert!(report.contains("[FAIL] caller identity"), "{report}");
    assert!(report.contains("fix: Invalid credentials. Check the AWS credentials are correct"), "{report}");
    assert!(!report.contains("wrong-secret"), "the secret never shows");
}

#[test]
fn a_model_missing_from_the_region_gets_region_advice() {
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let (ok, report) = doctor(&emulator, &["--model", "anthropic.claude-9-imaginary-v1:0"], &DEMO_KEYS);
    assert!(!ok);
    assert!(report.contains("[FAIL] model access"), "{report}");
    assert!(report.contains("fix: Model not found in region"), "{report}");
}

#[test]
fn a_refused_role_assumption_points_at_the_trust_policy_and_external_id() {
    let emulator = Process::start(&["emulator", "--port", "0", "--external-id", "expected-id"], &[]);
    let mut env = DEMO_KEYS.to_vec();
    env.extend([
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/BedrockAccessRole"),
        ("AWS_EXTERNAL_ID", "wrong-id"),
    ]);
    let (ok, report) = doctor(&emulator, &[], &env);
    assert!(!ok);
    assert!(report.contains("[FAIL] credentials"), "{report}");
    assert!(report.contains("not authorized to perform: sts:AssumeRole"), "{report}");
    assert!(report.contains("fix: Role assumption failed. Check the role's trust policy"), "{report}");
}

#[test]
fn a_bedrock_api_key_skips_sts_and_is_proven_by_the_model_probe() {
    let emulator = Process::start(&["emulator", "--port", "0"], &[]);
    let key = amazon_chat::emulator::bearer::DEMO_BEARER_TOKEN;
    let (ok, report) = doctor(&emulator, &[], &[("AWS_BEARER_TOKEN_BEDROCK", key)]);
    assert!(ok, "{report}");
    assert!(report.contains("bedrock-api-key"), "{report}");
    assert!(report.contains("a long-term Bedrock API key (ABSK…)"), "{report}");
    assert!(report.contains("skip caller identity"), "{report}");
    assert!(!report.contains(&key[4..]), "the key is never shown: {report}");
    assert!(report.contains("all checks passed"), "{report}");
}
