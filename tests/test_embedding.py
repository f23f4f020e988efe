"""The ONNX backends against sentence-transformers on torch: same model, same vectors (int8: nearly)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.embedding import OnnxEmbedder, pooling_mode
from assistant.errors import ModelLoadError

TEXTS = ["张店区新增各类充电桩1775个。", "市交通运输局负责加强对黄河浮桥的行业管理",
         "2023年3月5日", "A short English sentence.", "一" * 600]  # the last is cut at the token limit


@pytest.mark.slow
def test_onnx_gives_the_torch_vectors_and_int8_stays_close(embedder, tmp_path):
    reference = embedder.embed(TEXTS)
    onnx = OnnxEmbedder(cache_dir=tmp_path)
    assert np.abs(onnx.embed(TEXTS) - reference).max() < 1e-4
    assert np.abs(onnx.embed_query(TEXTS[0]) - reference[0]).max() < 1e-4
    int8 = OnnxEmbedder(cache_dir=tmp_path, quantized=True)
    cosines = (int8.embed(TEXTS) * reference).sum(axis=1)
    assert cosines.min() > 0.95
    assert sorted(p.name for p in next(tmp_path.iterdir()).iterdir()) == ["model-int8.onnx", "model.onnx"]


def test_pooling_mode_follows_the_model_config(tmp_path):
    assert pooling_mode(tmp_path) == "mean"  # no config: sentence-transformers' default
    (tmp_path / "1_Pooling").mkdir()
    config = tmp_path / "1_Pooling" / "config.json"
    config.write_text(json.dumps({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}))
    assert pooling_mode(tmp_path) == "cls"
    config.write_text(json.dumps({"pooling_mode_max_tokens": True}))
    with pytest.raises(ModelLoadError, match="torch"):
        pooling_mode(tmp_path)
