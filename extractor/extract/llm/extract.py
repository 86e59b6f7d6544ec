"""Step 3, the model path: each located table section → the model → a `Candidate("llm")`.

Only the sections go out, never the whole report; an answer already in the cache is not asked
for again. Tokens are counted per table: the server's `usage` for requests made, and labelled
estimates for the text sent and for the whole document, to compare.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from ...locate import Located
from ...models import LlmUsage, TableCall
from ..candidate import Candidate, TableReading
from .cache import ResponseCache, cache_key
from .call import Asker, LlmCallError
from .convert import failed_table, table_reading, zone_location
from .prompts import load_prompt
from .schemas import TABLE_TITLES, flatten, response_model
from .tokens import estimate_tokens

TABLES = ("s2", "s3", "s4")


class LlmExtractor:
    """The model path for a run: one client, one cache, one running total."""

    def __init__(self, asker: Asker, cache: ResponseCache | None) -> None:
        self.asker = asker
        self.cache = cache
        self.settings = asker.settings

    def probe(self) -> None:
        """Raise at once if the endpoint cannot be reached (see `Asker.probe`)."""
        self.asker.probe()

    def prompt_versions(self) -> dict[str, str]:
        """The version of the prompt each table is asked with (part of a run's fingerprint)."""
        return {table: load_prompt(table).version for table in TABLES}

    def extract(self, located: Located) -> tuple[Candidate, LlmUsage]:
        s = self.settings
        usage = LlmUsage(
            model=s.model or "",
            mode=s.mode_name,
            document_tokens_estimate=estimate_tokens(located.doc.text()),
        )
        tables: dict[str, TableReading] = {}
        for table in TABLES:
            tables[table] = self._table(located, table, usage)
        for call in usage.tables:
            usage.calls += call.calls
            usage.cache_hits += call.cached
            usage.prompt_tokens += call.prompt_tokens
            usage.completion_tokens += call.completion_tokens
            usage.sent_tokens_estimate += call.sent_tokens_estimate
            usage.section_tokens_estimate += call.section_tokens_estimate
        return Candidate("llm", tables), usage

    def _table(self, located: Located, table: str, usage: LlmUsage) -> TableReading:
        section = located.zone_text(table)
        name = TABLE_TITLES[table].split("、")[0]
        if not section:
            return TableReading(table, None, False, notes=[f"table {name} not found"])
        decided = located.layouts[table]
        layout = decided.layout
        if layout is None:
            # The same decision the rules read: a table whose layout cannot be told is not asked.
            return TableReading(table, None, True, notes=[decided.evidence])
        prompt = load_prompt(table)
        model = response_model(table, layout)
        messages = prompt.render(section, layout)
        usage.prompts[table] = prompt.version
        sent = sum(estimate_tokens(m["content"]) for m in messages) + estimate_tokens(
            json.dumps(model.model_json_schema(), ensure_ascii=False)
        )
        call = TableCall(
            table=table,
            prompt=prompt.version,
            layout=layout,
            section_tokens_estimate=estimate_tokens(section),
            sent_tokens_estimate=sent,
        )
        usage.tables.append(call)
        loc = zone_location(located, table)
        key = cache_key(prompt.version, prompt.sha256, self.settings.model or "", layout, section)
        note = f"read by the model {self.settings.model} (prompt {prompt.version})"
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            try:
                answer = model.model_validate(cached.answer)
            except ValidationError:
                cached = None  # an entry the current schema rejects is asked again
            else:
                call.cached = True
                return table_reading(table, layout, flatten(answer), loc, note + ", from the cache")
        try:
            got = self.asker.ask(messages, model)
        except LlmCallError as e:
            call.calls, call.reasks = e.tally.calls, e.tally.reasks
            call.prompt_tokens, call.completion_tokens = e.tally.prompt_tokens, e.tally.completion_tokens
            call.error = str(e)
            return failed_table(table, layout, f"table {name}: {e}")
        call.calls, call.reasks = got.calls, got.reasks
        call.prompt_tokens, call.completion_tokens = got.prompt_tokens, got.completion_tokens
        if self.cache is not None:
            self.cache.put(
                key,
                prompt.version,
                self.settings.model or "",
                got.parsed.model_dump(mode="json"),
                {"prompt_tokens": got.prompt_tokens, "completion_tokens": got.completion_tokens},
            )
        return table_reading(table, layout, flatten(got.parsed), loc, note)
