"""/v1/models through the official openai SDK."""

from __future__ import annotations

import openai
import pytest

from conftest import MODEL, assert_envelope


def test_list_models(client: openai.OpenAI) -> None:
    models = list(client.models.list())  # the SDK's paginator over {"object": "list", "data": [...]}
    by_id = {m.id: m for m in models}
    assert MODEL in by_id
    haiku = by_id[MODEL]
    assert haiku.object == "model"
    assert haiku.owned_by == "anthropic"
    assert haiku.created > 0
    assert len(by_id) == len(models), "ids are unique"


def test_retrieve_model_with_colon_in_id(client: openai.OpenAI) -> None:
    model = client.models.retrieve(MODEL)
    assert model.id == MODEL
    assert model.object == "model"
    assert model.owned_by == "anthropic"


def test_retrieve_unknown_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.models.retrieve("no-such-model")
    assert e.value.status_code == 404
    # The field at fault is the path's model id.
    assert_envelope(e.value.body, type="not_found_error", code="model_not_found", param="id")
