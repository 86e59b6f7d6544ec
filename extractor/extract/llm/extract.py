"""Step 3, the model path: each located table section → a question → an answer → a `Candidate("llm")`.

The path is cut in three so that the asking can happen elsewhere than the reading:

    questions   a document's questions, one per table found (plain data: it travels between
                processes); no I/O
    answer      one question answered: from the cache, else by the model (`cached`, `ask`)
    read        the answers → the model's reading of the document and what it cost

`LlmExtractor.answers` asks a document's questions one after another, in this process; a batch
asks them in its parent, many at once across documents (`extractor.batch.asking`). Only the
sections go out, never the whole report; an answer already in the cache is not asked for again.
Tokens are counted per table: the server's `usage` for requests made, and labelled estimates
for the text sent and for the whole document, to compare.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from pydantic import ValidationError

from ...locate import Located
from ...models import LlmUsage, TableCall
from ..candidate import Candidate, TableReading
from .cache import ResponseCache, cache_key
from .config import LlmSettings
from .convert import failed_table, table_reading, zone_location
from .prompts import load_prompt
from .schemas import TABLE_TITLES, flatten, response_model
from .tokens import estimate_tokens

if TYPE_CHECKING:  # the model client: loaded only by a process that asks
    from .call import Asker

TABLES = ("s2", "s3", "s4")


@dataclass(frozen=True)
class Question:
    """One table of one document as the model is asked it: the messages, the response model
    (by table and layout) and the cache key. Plain data, so it crosses processes."""

    table: str
    layout: str
    prompt: str  # the prompt's version
    key: str  # the answer cache's key
    messages: tuple[Mapping[str, str], ...]
    section_tokens_estimate: int
    sent_tokens_estimate: int  # messages and schema
    answer_tokens_estimate: int  # what a complete answer takes

    @property
    def tokens_estimate(self) -> int:
        """The whole request, sent and answered: what it will cost, before it is asked."""
        return self.sent_tokens_estimate + self.answer_tokens_estimate


@dataclass(frozen=True)
class Reply:
    """What became of one question: a validated answer (as JSON) or the one line why not, and
    what it cost."""

    answer: dict | None
    cached: bool = False
    calls: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Asked:
    """A document's questions, and the tables settled without one (not found, layout unknown)."""

    questions: dict[str, Question]
    settled: dict[str, TableReading] = field(default_factory=dict)
    document_tokens_estimate: int = 0


class LlmExtractor:
    """The model path for a run: one client, one cache. Without an `asker` one is made for the
    `settings` when the first question is asked: a batch's workers, which park their documents
    at the questions and never ask, never load the model client."""

    def __init__(self, asker: Asker | None, cache: ResponseCache | None, settings: LlmSettings | None = None) -> None:
        assert asker is not None or settings is not None, "an asker, or the settings to make one"
        self._asker = asker
        self.cache = cache
        self.settings = asker.settings if asker is not None else settings  # type: ignore[assignment]
        self._making = threading.Lock()

    @property
    def asker(self) -> Asker:
        with self._making:
            if self._asker is None:
                from .call import Asker

                self._asker = Asker(self.settings)
            return self._asker

    def probe(self) -> None:
        """Raise at once if the endpoint cannot be reached (see `Asker.probe`)."""
        self.asker.probe()

    def prompt_versions(self) -> dict[str, str]:
        """The version of the prompt each table is asked with (part of a run's fingerprint)."""
        return {table: load_prompt(table).version for table in TABLES}

    def questions(self, located: Located) -> Asked:
        return questions(located, self.settings)

    def cached(self, question: Question) -> Reply | None:
        """The answer the cache holds for this question, if the current schema accepts it."""
        if self.cache is None:
            return None
        found = self.cache.get(question.key)
        if found is None:
            return None
        try:
            response_model(question.table, question.layout).model_validate(found.answer)
        except ValidationError:
            return None  # an entry the current schema rejects is asked again
        return Reply(found.answer, cached=True)

    def ask(self, question: Question) -> Reply:
        """Ask the model (never the cache), and keep a valid answer in the cache."""
        from .call import LlmCallError

        try:
            got = self.asker.ask(list(question.messages), response_model(question.table, question.layout), question.tokens_estimate)
        except LlmCallError as e:
            t = e.tally
            return Reply(None, calls=t.calls, reasks=t.reasks, prompt_tokens=t.prompt_tokens, completion_tokens=t.completion_tokens, error=str(e))
        answer = got.parsed.model_dump(mode="json")
        reply = Reply(answer, calls=got.calls, reasks=got.reasks, prompt_tokens=got.prompt_tokens, completion_tokens=got.completion_tokens)
        self.keep(question, reply)
        return reply

    def keep(self, question: Question, reply: Reply) -> None:
        """A valid answer, kept so that it is never paid for twice."""
        if self.cache is not None and reply.answer is not None:
            usage = {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens}
            self.cache.put(question.key, question.prompt, self.settings.model or "", reply.answer, usage)

    def answer(self, question: Question) -> Reply:
        return self.cached(question) or self.ask(question)

    def answers(self, asked: Asked) -> dict[str, Reply]:
        """A document's questions answered one after another, here."""
        return {table: self.answer(q) for table, q in asked.questions.items()}


def questions(located: Located, settings: LlmSettings) -> Asked:
    """The questions of one document: a table found, in a layout that can be told, is asked."""
    out: dict[str, Question] = {}
    settled: dict[str, TableReading] = {}
    for table in TABLES:
        section = located.zone_text(table)
        name = TABLE_TITLES[table].split("、")[0]
        if not section:
            settled[table] = TableReading(table, None, False, notes=[f"table {name} not found"])
            continue
        decided = located.layouts[table]
        if decided.layout is None:
            # The same decision the rules read: a table whose layout cannot be told is not asked.
            settled[table] = TableReading(table, None, True, notes=[decided.evidence])
            continue
        out[table] = _question(table, decided.layout, section, settings.model or "")
    return Asked(out, settled, estimate_tokens(located.doc.text()))


def _question(table: str, layout: str, section: str, model_name: str) -> Question:
    prompt = load_prompt(table)
    messages = prompt.render(section, layout)
    return Question(
        table=table,
        layout=layout,
        prompt=prompt.version,
        key=cache_key(prompt.version, prompt.sha256, model_name, layout, section),
        messages=tuple(messages),
        section_tokens_estimate=estimate_tokens(section),
        sent_tokens_estimate=sum(estimate_tokens(m["content"]) for m in messages) + _schema_tokens(table, layout),
        answer_tokens_estimate=_answer_tokens(table, layout),
    )


@cache
def _schema_tokens(table: str, layout: str) -> int:
    return estimate_tokens(json.dumps(response_model(table, layout).model_json_schema(), ensure_ascii=False))


@cache
def _answer_tokens(table: str, layout: str) -> int:
    """A complete answer with three-digit numbers: what the model writes back, about."""
    schema = response_model(table, layout).model_json_schema()
    rows = {name: {column: 100 for column in schema["$defs"][ref["$ref"].rsplit("/", 1)[-1]]["properties"]}
            for name, ref in ((n, p if "$ref" in p else p["allOf"][0]) for n, p in schema["properties"].items())}  # fmt: skip
    return estimate_tokens(json.dumps(rows))


def read(located: Located, asked: Asked, replies: Mapping[str, Reply], settings: LlmSettings) -> tuple[Candidate, LlmUsage]:
    """The model's reading of a document from its answers, and what they cost."""
    usage = LlmUsage(model=settings.model or "", mode=settings.mode_name, document_tokens_estimate=asked.document_tokens_estimate)
    tables: dict[str, TableReading] = dict(asked.settled)
    for table, q in asked.questions.items():
        reply = replies[table]
        usage.prompts[table] = q.prompt
        usage.tables.append(
            TableCall(
                table=table, prompt=q.prompt, layout=q.layout, cached=reply.cached, calls=reply.calls, reasks=reply.reasks,
                prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
                section_tokens_estimate=q.section_tokens_estimate, sent_tokens_estimate=q.sent_tokens_estimate,
                error=reply.error,
            )
        )  # fmt: skip
        tables[table] = _reading(located, q, reply, settings.model)
    for call in usage.tables:
        usage.calls += call.calls
        usage.cache_hits += call.cached
        usage.prompt_tokens += call.prompt_tokens
        usage.completion_tokens += call.completion_tokens
        usage.sent_tokens_estimate += call.sent_tokens_estimate
        usage.section_tokens_estimate += call.section_tokens_estimate
    return Candidate("llm", {t: tables[t] for t in TABLES}), usage


def _reading(located: Located, q: Question, reply: Reply, model_name: str | None) -> TableReading:
    if reply.answer is None:
        name = TABLE_TITLES[q.table].split("、")[0]
        return failed_table(q.table, q.layout, f"table {name}: {reply.error}")
    answer = response_model(q.table, q.layout).model_validate(reply.answer)
    note = f"read by the model {model_name} (prompt {q.prompt})" + (", from the cache" if reply.cached else "")
    return table_reading(q.table, q.layout, flatten(answer), zone_location(located, q.table), note)
