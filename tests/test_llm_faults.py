"""Transient failures, invalid answers and the cache, with a TEST DOUBLE for the server
(tests/doubles/fake_server.py): scripted 429s, 500s, timeouts and broken JSON."""

from __future__ import annotations

import json

from extractor.pipeline import extract_file

from .conftest import DOCS
from .doubles.fake_server import FakeServer, Status, Timeout, ToolCall
from .doubles.golden_model import golden_answer
from .llm_setup import double_options

DOC = DOCS / "004_f8b21749840a51ab.txt"
ANSWER = golden_answer(DOC.stem)


def _table_calls(result) -> dict[str, tuple[int, int, str | None]]:
    return {c.table: (c.calls, c.reasks, c.error) for c in result.llm.tables}


def test_timeout_is_retried_with_backoff_then_the_answer_is_used():
    server = FakeServer(Timeout(), ToolCall(ANSWER))
    options, sleeps = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert result.status == "verified" and result.method == "llm"
    assert _table_calls(result)["s2"] == (2, 0, None)  # the first table met the timeout
    assert len(sleeps) == 1 and 0 < sleeps[0] <= options.llm.settings.max_wait


def test_429_honours_retry_after_then_succeeds():
    server = FakeServer(Status(429, {"retry-after": "7"}), ToolCall(ANSWER))
    options, sleeps = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert result.method == "llm" and result.status == "verified"
    assert sleeps == [7.0]
    assert result.llm.calls == 4  # three tables, one of them asked twice


def test_retry_after_is_capped():
    server = FakeServer(Status(429, {"retry-after": "3600"}), ToolCall(ANSWER))
    options, sleeps = double_options(server, "llm-first", max_wait=5.0)
    extract_file(DOC, options=options)
    assert sleeps == [5.0]


def test_5xx_is_retried():
    server = FakeServer(Status(503), Status(500), ToolCall(ANSWER))
    options, sleeps = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert result.method == "llm" and len(sleeps) == 2


def test_persistent_429_gives_up_after_max_attempts_and_the_rules_stand():
    server = FakeServer(Status(429, {"retry-after": "1"}))
    options, sleeps = double_options(server, "cross-check", max_attempts=3)
    result = extract_file(DOC, options=options)
    assert result.status == "verified" and result.method == "rules"  # handled: the rules stand
    assert len(server.requests) == 9 and options.llm.asker.waits == [1.0] * 6  # three tables, three tries each
    # The server's last "wait a second" holds the next table too (the governor), not only the retries.
    assert sleeps == [1.0] * 8 and options.llm.asker.governor.pauses == 9
    calls, _, error = _table_calls(result)["s3"]
    assert calls == 3 and "could not be reached" in error and "RateLimitError" in error
    assert result.reasons[0].code == "fallback" and "incomplete" in result.reasons[0].message


def test_persistent_timeout_is_handled_like_any_failed_path():
    server = FakeServer(Timeout())
    options, _ = double_options(server, "llm-first", max_attempts=2)
    result = extract_file(DOC, options=options)
    assert result.method == "rules" and result.status == "verified"
    assert all("APITimeoutError" in c.error for c in result.llm.tables)


def test_a_client_error_is_not_retried():
    server = FakeServer(Status(400, body={"error": {"message": "bad request"}}))
    options, sleeps = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert sleeps == [] and len(server.requests) == 3
    assert "gave no valid answer" in result.llm.tables[0].error


def test_invalid_json_is_re_asked_with_the_error_shown_to_the_model():
    truncated = json.dumps(ANSWER("Table2_2021"), ensure_ascii=False)[:40]
    server = FakeServer(ToolCall(truncated), ToolCall(ANSWER))
    options, sleeps = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert result.method == "llm" and result.status == "verified"
    assert _table_calls(result)["s2"] == (2, 1, None)
    assert sleeps == []  # a re-ask is not a transient retry
    reask = server.requests[1]["messages"]
    assert len(reask) > len(server.requests[0]["messages"])  # the failed answer and its error went back
    assert any("valid" in json.dumps(m, ensure_ascii=False).lower() for m in reask[2:])


def test_an_answer_that_breaks_the_schema_is_re_asked():
    bad = ANSWER("Table4")
    bad["review"]["upheld"] = -1  # a count cannot be negative
    server = FakeServer(ToolCall(golden_answer(DOC.stem)), ToolCall(golden_answer(DOC.stem)), ToolCall(bad), ToolCall(ANSWER))
    options, _ = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert _table_calls(result)["s4"] == (2, 1, None)
    assert result.method == "llm"


def test_re_asks_are_bounded_and_a_hopeless_answer_becomes_a_recorded_failure():
    server = FakeServer(ToolCall("{not json"))
    options, _ = double_options(server, "llm-first", max_reasks=2)
    result = extract_file(DOC, options=options)
    calls, reasks, error = _table_calls(result)["s3"]
    assert calls == 3 and reasks == 3 and "gave no valid answer" in error
    assert result.method == "rules" and result.reasons[0].code == "fallback"


def test_second_run_makes_zero_model_calls(tmp_path):
    cache = tmp_path / "cache"
    first_server = FakeServer(ToolCall(ANSWER))
    first, _ = double_options(first_server, "cross-check", cache_dir=cache)
    r1 = extract_file(DOC, options=first)
    assert len(first_server.requests) == 3 and r1.llm.cache_hits == 0

    second_server = FakeServer(ToolCall(ANSWER))
    second, _ = double_options(second_server, "cross-check", cache_dir=cache)
    r2 = extract_file(DOC, options=second)
    assert second_server.requests == []
    assert r2.llm.calls == 0 and r2.llm.cache_hits == 3 and r2.llm.prompt_tokens == 0
    assert r2.cells == r1.cells and r2.status == r1.status


def test_the_cache_key_holds_the_model_and_the_section(tmp_path):
    cache = tmp_path / "cache"
    server = FakeServer(ToolCall(ANSWER))
    extract_file(DOC, options=double_options(server, "llm-first", cache_dir=cache)[0])
    other_model = FakeServer(ToolCall(ANSWER))
    extract_file(DOC, options=double_options(other_model, "llm-first", cache_dir=cache, model="another-model")[0])
    assert len(other_model.requests) == 3  # a different model is asked again
    other_doc = FakeServer(ToolCall(golden_answer("002_eb42678789e3d87b")))
    extract_file(DOCS / "002_eb42678789e3d87b.txt", options=double_options(other_doc, "llm-first", cache_dir=cache)[0])
    assert len(other_doc.requests) == 3  # different sections are asked again


def test_usage_is_the_servers_own_figures():
    server = FakeServer(ToolCall(ANSWER, prompt_tokens=321, completion_tokens=45))
    options, _ = double_options(server, "llm-first")
    result = extract_file(DOC, options=options)
    assert (result.llm.prompt_tokens, result.llm.completion_tokens) == (3 * 321, 3 * 45)
    assert 0 < result.llm.section_tokens_estimate < result.llm.document_tokens_estimate


def test_the_key_is_sent_but_never_recorded_on_the_result():
    server = FakeServer(ToolCall(ANSWER))
    options, _ = double_options(server, "llm-first", api_key="sk-secret-test-key")
    result = extract_file(DOC, options=options)
    assert server.headers[0]["authorization"] == "Bearer sk-secret-test-key"
    assert "sk-secret" not in result.model_dump_json() and "sk-secret" not in repr(options.llm.settings)
