"""The LLM path against a real model, replayed offline from recordings (tests/cassettes/llm).

The recordings are real HTTP exchanges with the model named in tests/cassettes/llm/endpoint.json
(see the README beside them); `scripts/record-cassettes` makes them again against any
endpoint. Replayed with record mode "none": a request that was not recorded fails the test
instead of reaching the network. The recorded model is tiny and mostly wrong on these tables,
which is what these tests are about: the verifier must catch it and the rules must stand.
"""

from __future__ import annotations

import pytest
import vcr as vcrpy

from extractor.extract.llm import LlmSettings
from extractor.extract.llm.capabilities import FAMILIES, MODES
from extractor.pipeline import extract_file

from .conftest import CASSETTES, DOCS, VCR_CONFIG, same_question
from .llm_probe import probe
from .llm_setup import cassette, endpoint, recorded_options

SEED = DOCS / "004_f8b21749840a51ab.txt"


@pytest.fixture(scope="module")
def vcr_config():
    return dict(VCR_CONFIG)


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return str(CASSETTES)


def exchanges(cassette) -> int:
    """HTTP exchanges this test made: played back when replaying, new ones when recording."""
    return len(cassette.data) if cassette.dirty else cassette.play_count


def _run(result, method):
    return next(m for m in result.methods if m.method == method)


@pytest.mark.vcr
@pytest.mark.default_cassette(cassette("cross_check_004"))
def test_cross_check_model_wrong_rules_win_and_the_fallback_is_recorded(tmp_path, vcr):
    result = extract_file(SEED, options=recorded_options("cross-check", tmp_path))
    rules, llm = _run(result, "rules"), _run(result, "llm")
    assert rules.status == "verified" and llm.status != "verified"
    assert result.status == "verified" and result.method == "rules"
    assert [r.code for r in result.reasons] == ["fallback"]
    assert result.reasons[0].message.startswith("the llm reading was not used")
    # what the model read is kept beside the rules' value, cell by cell
    assert all("rules" in p.values for p in result.provenance.values())
    assert any("llm" in p.values for p in result.provenance.values())
    assert result.llm.calls == exchanges(vcr) == 3
    assert result.llm.prompt_tokens > 0 and result.llm.completion_tokens > 0  # the server's usage


@pytest.mark.vcr
@pytest.mark.default_cassette(cassette("cross_check_004"))
def test_second_run_over_the_same_document_makes_zero_model_calls(tmp_path, vcr):
    first = extract_file(SEED, options=recorded_options("cross-check", tmp_path))
    second = extract_file(SEED, options=recorded_options("cross-check", tmp_path))
    assert first.llm.calls == 3 and exchanges(vcr) == 3  # the second run sent nothing
    assert second.llm.calls == 0 and second.llm.cache_hits == 3 and second.llm.prompt_tokens == 0
    assert second.cells == first.cells and second.status == first.status
    assert [c.model_dump() for c in second.methods] == [c.model_dump() for c in first.methods]


@pytest.mark.vcr
@pytest.mark.default_cassette(cassette("llm_first_002"))
def test_llm_first_model_fails_a_check_and_the_rules_take_over(tmp_path, vcr):
    doc = DOCS / "002_eb42678789e3d87b.txt"
    result = extract_file(doc, options=recorded_options("llm-first", tmp_path))
    assert [m.method for m in result.methods] == ["llm", "rules"]
    assert _run(result, "llm").status != "verified"
    assert result.method == "rules" and result.status == _run(result, "rules").status
    assert "fallback" in [r.code for r in result.reasons]
    assert exchanges(vcr) == result.llm.calls


@pytest.mark.vcr
@pytest.mark.default_cassette(cassette("rules_first_10_shanghai"))
def test_rules_first_asks_the_model_only_when_the_rules_fail(tmp_path, vcr):
    doc = DOCS / "10_shanghai_kewei_2024.md"
    result = extract_file(doc, options=recorded_options("rules-first", tmp_path))
    assert [m.method for m in result.methods] == ["rules", "llm"]
    assert _run(result, "rules").status == "needs_review"  # the source leaves a total blank
    assert result.llm.calls == exchanges(vcr) == 3
    assert result.status == "needs_review"  # neither reading passes: a person decides
    chosen = next(m for m in result.methods if m.chosen)
    assert result.method == chosen.method


@pytest.mark.parametrize("mode", MODES)
def test_structured_output_modes_as_recorded_back_the_capability_table(mode):
    recorded = endpoint()
    expected = recorded["modes"][mode]
    v = vcrpy.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", **VCR_CONFIG)
    v.register_matcher("question", same_question)
    settings = LlmSettings(base_url=recorded["base_url"], model=recorded["model"], server=recorded["server"], timeout=900)
    with v.use_cassette(cassette(f"mode_{mode}")):
        assert probe(settings, mode) == expected
    family = FAMILIES[recorded["server"]]
    # the table lists exactly the modes that worked, and chooses one of them
    assert (mode in family.modes) == (expected == "works")


def test_recordings_hold_no_key_and_name_their_model():
    files = sorted(CASSETTES.glob("*.yaml"))
    assert files, "no recordings"
    label = endpoint()["label"]
    for f in files:
        text = f.read_text(encoding="utf-8").lower()
        assert f.name.startswith(f"{label}__"), f.name  # each recording names the model that made it
        assert "authorization" not in text and "bearer" not in text and "api-key" not in text, f.name
        assert "/tmp/" not in text and "/root/" not in text and "/home/" not in text, f.name
