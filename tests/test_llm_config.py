"""Configuration, capability table, prompts and schemas of the LLM path; and the promise that
without an endpoint nothing changes and nothing reaches the network."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from extractor.errors import ConfigError
from extractor.extract.llm import LlmSettings
from extractor.extract.llm.capabilities import FAMILIES, capability_for, choose_mode
from extractor.extract.llm.convert import reading_of
from extractor.extract.llm.prompts import load_prompt
from extractor.extract.llm.schemas import flatten, response_model
from extractor.options import Options
from extractor.pipeline import extract_file
from verify.layout import table_keys

from .conftest import DOCS, ROOT, golden_pairs

LLM_ENV = ("OPENAI_BASE_URL", "OPENAI_API_KEY", "EXTRACTOR_MODEL", "EXTRACTOR_MODE", "EXTRACTOR_SERVER")


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[object] = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network use in a test that promised none")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_no_endpoint_means_rules_only_identical_results_and_no_network(monkeypatch, no_network):
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-left-for-another-tool")  # a key alone configures nothing
    options = Options.from_settings(LlmSettings.from_env())
    assert options.strategy == "rules" and options.llm is None
    for doc, _ in golden_pairs():
        plain = extract_file(doc)
        configured = extract_file(doc, options=options)
        assert configured.model_dump_json() == plain.model_dump_json()
        assert "strategy" not in plain.model_dump() and "values" not in next(iter(plain.provenance.values())).model_dump()
    assert no_network == []


def test_cli_without_endpoint_prints_no_cost_and_reaches_nothing(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    p = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", str(DOCS / "004_f8b21749840a51ab.txt"), "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert p.returncode == 0 and p.stderr == ""
    assert "llm" not in json.loads(p.stdout)


def test_an_llm_strategy_without_endpoint_is_a_one_line_error(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    p = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", str(DOCS / "004_f8b21749840a51ab.txt"), "--strategy", "llm-first"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert p.returncode == 2
    assert p.stderr.startswith("error: strategy llm-first needs an LLM endpoint") and p.stderr.count("\n") == 1


def test_endpoint_defaults_to_cross_check_and_flags_override_the_environment(tmp_path):
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "EXTRACTOR_MODEL": "qwen-plus", "XDG_CACHE_HOME": str(tmp_path)}
    s = LlmSettings.from_env(env)
    assert s.configured and Options.from_settings(s).strategy == "cross-check"
    assert s.cache_dir == tmp_path / "gov-report-extractor" / "llm"
    assert s.with_overrides(model="deepseek-chat").capability.family == "deepseek"
    assert LlmSettings.from_env({**env, "EXTRACTOR_CACHE_DIR": "off"}).cache_dir is None
    assert s.timeout == 120 and LlmSettings.from_env({**env, "EXTRACTOR_TIMEOUT": "600"}).timeout == 600
    with pytest.raises(ConfigError):
        Options.from_settings(s, "sideways")


@pytest.mark.parametrize(
    "model,base_url,server,family,mode",
    [
        ("deepseek-chat", "https://api.deepseek.com", None, "deepseek", "TOOLS"),
        ("qwen3-32b", "https://dashscope.aliyuncs.com/compatible-mode/v1", None, "dashscope", "TOOLS"),
        ("glm-4.5", "https://open.bigmodel.cn/api/paas/v4", None, "glm", "JSON"),
        ("qwen3:8b", "http://localhost:11434/v1", None, "ollama", "JSON_SCHEMA"),
        ("Qwen/Qwen3-8B", "http://10.0.0.5:8000/v1", "vllm", "vllm", "JSON_SCHEMA"),
        ("gemma-3-270m-q4_k_m", "http://127.0.0.1:8765/v1", "llama.cpp", "llama.cpp", "TOOLS"),
        ("some-model", "http://127.0.0.1:8000/v1", None, "unknown", "TOOLS"),
    ],
)
def test_capability_table_chooses_the_mode(model, base_url, server, family, mode):
    cap = capability_for(model, base_url, server)
    assert cap.family == family and choose_mode(cap) == mode


def test_mode_override_and_thinking_off_per_family():
    assert choose_mode(FAMILIES["llama.cpp"], "md-json") == "MD_JSON"
    with pytest.raises(ValueError):
        choose_mode(FAMILIES["llama.cpp"], "telepathy")
    with pytest.raises(ValueError):
        capability_for("m", None, "nonesuch")
    for family in ("deepseek", "dashscope", "glm", "vllm", "ollama", "llama.cpp"):
        assert FAMILIES[family].thinking_off, family


@pytest.mark.parametrize("table,layout", [("s2", "2019"), ("s2", "2021"), ("s3", "2019"), ("s3", "2021"), ("s4", "any")])
def test_response_models_have_exactly_the_dictionarys_keys(table, layout):
    model = response_model(table, layout)
    example = {
        row: {col: None for col in sub.annotation.model_fields}  # type: ignore[union-attr]
        for row, sub in model.model_fields.items()
    }
    assert list(flatten(model.model_validate(example))) == list(table_keys(table, layout))


def test_schema_refuses_a_negative_count_but_not_a_negative_change():
    model = response_model("s2", "2019")
    answer = {row: {col: 0 for col in sub.annotation.model_fields} for row, sub in model.model_fields.items()}  # type: ignore[union-attr]
    answer["licensing"]["change"] = -3
    assert flatten(model.model_validate(answer))["s2.licensing.change"] == -3
    answer["licensing"]["decisions"] = -1
    with pytest.raises(ValueError):
        model.model_validate(answer)


def test_a_blank_is_a_blank_and_a_zero_a_zero():
    assert (reading_of(None, None).kind, reading_of(None, None).value) == ("blank", None)
    assert (reading_of(0, None).kind, reading_of(0, None).value) == ("zero", 0)
    assert (reading_of(12.5, None).kind, reading_of(12.5, None).raw) == ("number", "12.5")


def test_prompts_are_versioned_files_rendered_with_the_section():
    for table in ("s2", "s3", "s4"):
        prompt = load_prompt(table)
        assert prompt.version == f"{table}.v1" and len(prompt.sha256) == 64
        messages = prompt.render("SECTION TEXT", "2021")
        assert [m["role"] for m in messages] == ["system", "user"]
        assert messages[1]["content"].endswith("SECTION TEXT") and "$" not in messages[0]["content"]
    assert "（六）其他处理" in load_prompt("s3").render("x", "2019")[0]["content"]
    assert "逾期不补正" in load_prompt("s3").render("x", "2021")[0]["content"]


def test_only_the_sections_are_sent():
    from extractor.load import load
    from extractor.locate import locate

    for doc, _ in golden_pairs():
        located = locate(load(doc))
        whole = located.doc.text()
        sections = [located.zone_text(t) for t in ("s2", "s3", "s4")]
        assert all(sections), doc.name
        assert sum(len(s) for s in sections) < len(whole)
