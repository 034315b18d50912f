//! The model catalog end to end: listed from the emulator's control plane (several pages), cached,
//! falling back to the built-in table without permission; aliases, the allow-list, region-aware
//! routing (inference profiles, fallback regions, helpful NOT_FOUND) and per-family defaults.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::emulator::{DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY};
use amazon_chat::proto::v1 as api;
use common::*;

const OPUS: &str = "anthropic.claude-3-opus-20240229-v1:0";
const SONNET_4: &str = "anthropic.claude-sonnet-4-20250514-v1:0";
/// Only the emulator's control plane lists it: seeing it proves the list is live.
const NOVA_PREMIER: &str = "amazon.nova-premier-v1:0";

fn start(region: &str, emulator_args: &[&str], server_args: &[&str]) -> Stack {
    let server_args: Vec<String> = server_args.iter().map(|a| a.to_string()).collect();
    let region = region.to_owned();
    Stack::start_custom(emulator_args, None, move |_| {
        let env = vec![
            ("AWS_ACCESS_KEY_ID".to_owned(), DEMO_ACCESS_KEY_ID.to_owned()),
            ("AWS_SECRET_ACCESS_KEY".to_owned(), DEMO_SECRET_ACCESS_KEY.to_owned()),
            ("AWS_REGION".to_owned(), region),
        ];
        (server_args, env)
    })
}

async fn list(stack: &Stack) -> Vec<api::Model> {
    stack.models().await.list_models(api::ListModelsRequest {}).await.unwrap().into_inner().data
}

#[tokio::test]
async fn the_list_comes_from_the_control_plane_across_pages_and_is_cached() {
    let stack = start("us-east-1", &[], &[]);
    let models = list(&stack).await;
    let premier = models.iter().find(|m| m.id == NOVA_PREMIER).expect("the live list has the newer model");
    assert_eq!(premier.inference_profile_ids, [format!("us.{NOVA_PREMIER}")]);
    let opus = models.iter().find(|m| m.id == OPUS).unwrap();
    assert_eq!(opus.inference_profile_ids, [format!("us.{OPUS}")], "profiles merged from every page");
    let pages = stack.recorded_ops("control:ListInferenceProfiles");
    assert!(pages.len() >= 3, "several pages: {}", pages.len());
    assert!(pages[1..].iter().all(|p| p["body"]["query"].as_str().unwrap().contains("nextToken=")));

    // Cache hits: more lists, over gRPC and REST, never call the control plane again.
    list(&stack).await;
    assert_eq!(curl(&stack.server.url, "/v1/models", &[]).status, 200);
    stack.models().await.get_model(api::GetModelRequest { id: NOVA_PREMIER.into() }).await.unwrap();
    assert_eq!(stack.recorded_ops("control:ListFoundationModels").len(), 1);
}

#[tokio::test]
async fn without_list_permission_the_built_in_catalog_serves_and_says_so_once() {
    // A short TTL, so refreshes (and their failures) repeat while the test watches.
    let stack = start("us-east-1", &["--deny-control-plane"], &["--catalog-ttl", "100ms"]);
    let models = list(&stack).await;
    assert!(models.iter().any(|m| m.id == MODEL), "built-in models are listed");
    assert!(!models.iter().any(|m| m.id == NOVA_PREMIER), "the live-only model is not");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while stack.recorded_ops("control:ListFoundationModels").len() < 3 && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(stack.recorded_ops("control:ListFoundationModels").len() >= 3, "the refresh kept trying");
    let logs = stack.server.logs();
    assert_eq!(logs.matches("using the built-in catalog").count(), 1, "{logs}");
    assert!(logs.contains("bedrock:ListFoundationModels"));
    // Chat still works.
    stack.chat().await.chat_completion(ask("hi")).await.unwrap();
}

#[tokio::test]
async fn aliases_and_the_allow_list() {
    let (_dir, path) = models_file(&format!(
        "allow = [\"claude-3-haiku\", \"gpt-4o-mini\"]\n[aliases]\n\"claude-3-haiku\" = \"{MODEL}\"\n\"gpt-4o-mini\" = \"{MODEL}\"\n"
    ));
    let stack = start("us-east-1", &[], &["--models-file", &path]);
    let mut chat = stack.chat().await;
    let response = chat
        .chat_completion(api::ChatCompletionRequest { model: "gpt-4o-mini".into(), ..ask("hi") })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.model, "gpt-4o-mini", "answers name the model as requested");
    assert_eq!(stack.last_recorded()["model_id"], MODEL, "Bedrock got the full id");
    chat.chat_completion(ask("the full id of an allowed alias works too")).await.unwrap();

    let denied = chat
        .chat_completion(api::ChatCompletionRequest { model: OPUS.into(), ..ask("hi") })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::NotFound);
    assert!(denied.message().contains("not enabled"), "{}", denied.message());

    let ids: Vec<String> = list(&stack).await.into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku", "gpt-4o-mini"]);
    let alias =
        stack.models().await.get_model(api::GetModelRequest { id: "claude-3-haiku".into() }).await.unwrap();
    assert_eq!(alias.into_inner().model.unwrap().owned_by, "anthropic");
}

#[tokio::test]
async fn a_profile_only_model_is_routed_through_the_regions_profile() {
    let stack = start("eu-central-1", &[], &[]);
    let response = stack
        .chat()
        .await
        .chat_completion(api::ChatCompletionRequest { model: SONNET_4.into(), ..ask("hi") })
        .await;
    assert_eq!(answer_text(&response.unwrap().into_inner()), "You said: hi");
    let call = stack.last_recorded();
    assert_eq!(call["model_id"], format!("eu.{SONNET_4}"));
    assert_eq!(call["region"], "eu-central-1");
}

#[tokio::test]
async fn a_model_missing_from_the_region_is_not_found_with_where_it_is() {
    let stack = start("eu-central-1", &[], &[]);
    let status = stack
        .chat()
        .await
        .chat_completion(api::ChatCompletionRequest { model: OPUS.into(), ..ask("hi") })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    assert!(status.message().contains("not offered in eu-central-1"), "{}", status.message());
    assert!(status.message().contains("us-east-1, us-west-2"), "{}", status.message());
    assert!(stack.recorded_ops("converse").is_empty(), "nothing was sent");
}

#[tokio::test]
async fn get_model_agrees_with_what_chat_serves() {
    let stack = start("eu-central-1", &[], &[]);
    let mut models = stack.models().await;
    let opus = models.get_model(api::GetModelRequest { id: OPUS.into() }).await.unwrap_err();
    assert_eq!(opus.code(), tonic::Code::NotFound, "Opus is not served from eu-central-1");
    assert!(opus.message().contains("not offered in eu-central-1"), "{}", opus.message());
    assert!(
        models.get_model(api::GetModelRequest { id: SONNET_4.into() }).await.is_ok(),
        "served through eu. profile"
    );
    assert!(!list(&stack).await.iter().any(|m| m.id == OPUS));
}

#[tokio::test]
async fn a_model_missing_from_the_region_goes_to_a_fallback_region() {
    let stack = start("eu-central-1", &[], &["--fallback-regions", "us-west-2"]);
    let response = stack
        .chat()
        .await
        .chat_completion(api::ChatCompletionRequest { model: OPUS.into(), ..ask("hi") })
        .await;
    assert_eq!(answer_text(&response.unwrap().into_inner()), "You said: hi");
    let call = stack.last_recorded();
    assert_eq!((call["model_id"].as_str(), call["region"].as_str()), (Some(OPUS), Some("us-west-2")));
    // The fallback region's catalog was read too.
    let regions: Vec<String> = stack
        .recorded_ops("control:ListFoundationModels")
        .iter()
        .map(|c| c["region"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(regions, ["eu-central-1", "us-west-2"]);
}

#[tokio::test]
async fn per_family_defaults_fill_what_requests_leave_unset() {
    let (_dir, path) = models_file(
        "[defaults.anthropic]\nmax_tokens = 123\ntemperature = 0.25\n[defaults.meta]\nmax_tokens = 64\n",
    );
    let stack = start("us-east-1", &[], &["--models-file", &path]);
    let mut chat = stack.chat().await;
    chat.chat_completion(ask("defaults please")).await.unwrap();
    assert_eq!(
        stack.last_recorded()["body"]["inferenceConfig"],
        serde_json::json!({"maxTokens": 123, "temperature": 0.25})
    );
    chat.chat_completion(api::ChatCompletionRequest { max_tokens: Some(50), ..ask("mine") }).await.unwrap();
    assert_eq!(
        stack.last_recorded()["body"]["inferenceConfig"],
        serde_json::json!({"maxTokens": 50, "temperature": 0.25})
    );
    let llama = api::ChatCompletionRequest { model: "meta.llama3-8b-instruct-v1:0".into(), ..ask("hi") };
    chat.chat_completion(llama).await.unwrap();
    assert_eq!(stack.last_recorded()["body"]["inferenceConfig"], serde_json::json!({"maxTokens": 64}));
}

#[test]
fn a_broken_models_file_stops_start_up_with_the_reason() {
    let (_dir, path) = models_file("alow = [\"typo\"]\n");
    let home = tempfile::tempdir().unwrap();
    let output = isolated(home.path())
        .args(["serve", "--demo", "--port", "0", "--models-file", &path])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a refused configuration is a usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--models-file") && stderr.contains("alow"), "{stderr}");
}

#[tokio::test]
async fn the_newer_regional_profiles_are_served_and_described() {
    // Japan's and Australia's own profiles (`jp.`, `au.`), named by the caller.
    for (region, prefix) in [("ap-northeast-1", "jp"), ("ap-southeast-2", "au")] {
        let stack = start(region, &[], &[]);
        let model = format!("{prefix}.anthropic.claude-sonnet-4-5-20250929-v1:0");
        let request = api::ChatCompletionRequest { model: model.clone(), ..ask("hi") };
        let response = stack.chat().await.chat_completion(request).await;
        assert_eq!(answer_text(&response.unwrap().into_inner()), "You said: hi", "{model}");
        let call = stack.last_recorded();
        assert_eq!(call["model_id"], model);
        assert_eq!(call["region"], region);
        let described = stack
            .models()
            .await
            .get_model(api::GetModelRequest { id: model.clone() })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(described.model.map(|m| m.id), Some(model));
    }
}
