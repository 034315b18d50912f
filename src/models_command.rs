//! `amazon-chat models`: the models a running server offers the caller, as a table for people or
//! JSON for scripts (`--json`), asked over gRPC (`ModelService.ListModels`) with the caller's key.

use crate::config::ModelsArgs;
use crate::proto::v1::{
    ListModelsRequest, Model, ModelCapabilities, model_service_client::ModelServiceClient,
};

/// The listing, as the text to print.
pub async fn run(args: &ModelsArgs) -> Result<String, String> {
    let url = args.url.trim_end_matches('/');
    let asked = async {
        let channel = crate::connect::grpc_channel(url, &args.tls).await?;
        let mut request = tonic::Request::new(ListModelsRequest {});
        if let Some(key) = &args.api_key {
            let value = format!("Bearer {}", key.expose())
                .parse()
                .map_err(|_| "--api-key holds characters a header cannot carry".to_owned())?;
            request.metadata_mut().insert("authorization", value);
        }
        ModelServiceClient::new(channel)
            .list_models(request)
            .await
            .map(tonic::Response::into_inner)
            .map_err(|status| format!("{url} refused the listing: {:?}: {}", status.code(), status.message()))
    };
    let progress = crate::progress::Progress::start(&format!("asking {url} for its models"));
    let listed = tokio::time::timeout(args.timeout, asked).await;
    progress.done();
    let listed = listed.map_err(|_| format!("{url} did not answer within {:?}", args.timeout))??;
    if args.json {
        return Ok(json(&listed.data));
    }
    Ok(table(&listed.data))
}

fn json(models: &[Model]) -> String {
    let entries: Vec<serde_json::Value> = models
        .iter()
        .map(|model| {
            let Model { id, object: _, created, owned_by, name, capabilities, inference_profile_ids } = model;
            let ModelCapabilities { streaming, tool_use, image_input, context_window } =
                (*capabilities).unwrap_or_default();
            serde_json::json!({
                "id": id, "name": name, "provider": owned_by, "created": created,
                "streaming": streaming, "tools": tool_use, "images": image_input,
                "context_window": context_window, "profiles": inference_profile_ids,
            })
        })
        .collect();
    serde_json::to_string_pretty(&entries).unwrap_or_default()
}

/// A table with a column per fact, each as wide as its widest cell.
fn table(models: &[Model]) -> String {
    let yes = |flag: bool| if flag { "yes" } else { "-" }.to_owned();
    let mut rows =
        vec![["ID", "PROVIDER", "STREAMING", "TOOLS", "IMAGES", "CONTEXT", "PROFILES"].map(str::to_owned)];
    for model in models {
        let capabilities = model.capabilities.unwrap_or_default();
        let profiles: Vec<&str> = model
            .inference_profile_ids
            .iter()
            .filter_map(|p| p.split_once('.').map(|(prefix, _)| prefix))
            .collect();
        rows.push([
            model.id.clone(),
            model.owned_by.clone(),
            yes(capabilities.streaming),
            yes(capabilities.tool_use),
            yes(capabilities.image_input),
            capabilities.context_window.map_or_else(|| "-".to_owned(), |n| n.to_string()),
            if profiles.is_empty() { "-".to_owned() } else { profiles.join(",") },
        ]);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|row| row[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> =
                row.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_aligns_its_columns_and_names_the_profile_prefixes() {
        let model = Model {
            id: "anthropic.claude-3-haiku-20240307-v1:0".into(),
            owned_by: "anthropic".into(),
            capabilities: Some(ModelCapabilities {
                streaming: true,
                tool_use: true,
                image_input: false,
                context_window: Some(200_000),
            }),
            inference_profile_ids: vec![
                "us.anthropic.claude-3-haiku-20240307-v1:0".into(),
                "eu.anthropic.claude-3-haiku-20240307-v1:0".into(),
            ],
            ..Default::default()
        };
        let text = table(&[model]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].find("PROVIDER"), lines[1].find("anthropic  "), "columns line up");
        assert!(lines[1].ends_with("200000   us,eu"), "{}", lines[1]);
        assert!(lines[1].contains("yes        yes    -"), "{}", lines[1]);
    }
}
