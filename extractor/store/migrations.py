"""The store's schema, as numbered migrations applied in order.

`MIGRATIONS` lists functions that each take the connection and change the schema one step.
`migrate` applies those a database lacks, each in its own transaction with its row in
`_migrations`: a new database gets them all, an existing one the missing ones. Never edit a
migration that has shipped; add the next one.

    >>> import sqlite3
    >>> db = sqlite3.connect(":memory:", isolation_level=None)
    >>> migrate(db)
    ['m001_previous_version', 'm002_store', 'm003_results_by_organ_and_year', 'm004_extractions', 'm005_application_id', 'm006_sources',
     'm007_claims', 'm008_queue_orders', 'm009_llm_batches', 'm010_compact', 'm011_organs']
    >>> migrate(db)
    []

`m001` is the schema of the version before migrations (a `results` row per extraction, a
`reviews` row per result); on a database of that version it changes nothing, and `m002`
carries its rows into the store's tables. `m004` adds the extractions the service accepted;
`m005` marks the file as the extractor's (`identity`); `m006` where each document's bytes were.
`m007` holds reviewers' claims on documents; `m008` the queue's orders and substring filters.
`m009` the questions a run sent through a model provider's batch endpoint; `m010` keeps results
compact (`packing`): their JSON compressed, their cells and checks as rows of numbers. `m011`
places the printed names in organs (`organs`), so an organ's years are found under any name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from ..errors import BadInput
from .identity import APPLICATION_ID

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


def applied(db: sqlite3.Connection) -> list[str]:
    has_table = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone()
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")] if has_table else []


def pending(db: sqlite3.Connection) -> list[str]:
    """The migrations `db` lacks; `BadInput` if a newer version of the extractor wrote it."""
    done = applied(db)
    known = {fn.__name__ for fn in MIGRATIONS}
    unknown = [name for name in done if name not in known]
    if unknown:
        raise BadInput(f"written by a newer version of the extractor (migration {unknown[0]}): upgrade to read it")
    return [fn.__name__ for fn in MIGRATIONS if fn.__name__ not in done]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the missing migrations; returns their names. `db` must be in autocommit mode."""
    pending(db)
    done: list[str] = []
    for fn in MIGRATIONS:
        if fn.__name__ in applied(db):
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            # Another process may have migrated while this one waited for the lock.
            if not db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone():
                fn(db)
                at = datetime.now(UTC).isoformat(timespec="seconds")
                db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (fn.__name__, at))
                done.append(fn.__name__)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return done


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Each statement of `script` inside the current transaction (`executescript` would commit it)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


@migration
def m001_previous_version(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE IF NOT EXISTS results (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            sha256 TEXT,
            status TEXT NOT NULL,
            organ TEXT,
            year INTEGER,
            template TEXT,
            result TEXT NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS reviews (
            id INTEGER PRIMARY KEY,
            result_id INTEGER NOT NULL REFERENCES results (id),
            state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
            resolution TEXT CHECK (resolution IN ('corrected', 'accepted')),
            corrected TEXT,
            reviewer TEXT,
            note TEXT,
            opened_at TEXT NOT NULL,
            resolved_at TEXT
        );
        """,
    )


STORE_SCHEMA = """
CREATE TABLE documents (
    sha256 TEXT PRIMARY KEY,
    format TEXT,
    size INTEGER,
    first_seen TEXT NOT NULL
);
CREATE INDEX documents_format ON documents (format);

CREATE TABLE paths (
    sha256 TEXT NOT NULL REFERENCES documents (sha256),
    path TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (sha256, path)
);
CREATE INDEX paths_path ON paths (path);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    extractor TEXT,
    strategy TEXT NOT NULL,
    model TEXT,
    mode TEXT,
    prompts TEXT,
    first_used TEXT NOT NULL
);

CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES documents (sha256),
    run_id INTEGER NOT NULL REFERENCES runs (id),
    path TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'needs_review', 'failed')),
    organ TEXT,
    year INTEGER,
    template TEXT,
    reasons TEXT NOT NULL,
    result TEXT NOT NULL,
    extracted_at TEXT NOT NULL,
    UNIQUE (sha256, run_id)
);
CREATE INDEX results_run ON results (run_id);
CREATE INDEX results_status ON results (status);

-- Numbers are NUMERIC: a value compared with text (datasette's ?value=34) is compared as a number.
CREATE TABLE cells (
    sha256 TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value NUMERIC,
    state TEXT NOT NULL,
    method TEXT NOT NULL,
    raw TEXT NOT NULL,
    location TEXT,
    ambiguous INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    PRIMARY KEY (sha256, run_id, key),
    FOREIGN KEY (sha256, run_id) REFERENCES results (sha256, run_id)
) WITHOUT ROWID;

CREATE TABLE checks (
    sha256 TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    rule TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    cells TEXT NOT NULL,
    left_value NUMERIC,
    right_value NUMERIC,
    diff NUMERIC,
    message TEXT NOT NULL,
    FOREIGN KEY (sha256, run_id) REFERENCES results (sha256, run_id)
);
CREATE INDEX checks_result ON checks (sha256, run_id);

CREATE TABLE reviews (
    sha256 TEXT PRIMARY KEY REFERENCES documents (sha256),
    run_id INTEGER NOT NULL REFERENCES runs (id),
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    resolution TEXT CHECK (resolution IN ('corrected', 'accepted', 'verified')),
    status TEXT NOT NULL,
    reasons TEXT NOT NULL,
    questioned TEXT NOT NULL,
    doubt INTEGER NOT NULL,
    why TEXT NOT NULL,
    organ TEXT,
    year INTEGER,
    template TEXT,
    format TEXT,
    reviewer TEXT,
    note TEXT,
    corrected TEXT,
    opened_at TEXT NOT NULL,
    resolved_at TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The queue's order, and each filter followed by that order: a page is found, never sorted.
CREATE INDEX reviews_queue ON reviews (state, doubt DESC, sha256);
CREATE INDEX reviews_status ON reviews (state, status, doubt DESC, sha256);
CREATE INDEX reviews_organ ON reviews (state, organ, doubt DESC, sha256);
CREATE INDEX reviews_year ON reviews (state, year, doubt DESC, sha256);
CREATE INDEX reviews_template ON reviews (state, template, doubt DESC, sha256);
CREATE INDEX reviews_format ON reviews (state, format, doubt DESC, sha256);

-- Each review's reason codes, with its state and doubt: the queue filtered by reason, in order.
CREATE TABLE review_reasons (
    code TEXT NOT NULL,
    state TEXT NOT NULL,
    doubt INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES reviews (sha256),
    PRIMARY KEY (code, state, doubt DESC, sha256)
) WITHOUT ROWID;
CREATE INDEX review_reasons_document ON review_reasons (sha256);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES documents (sha256),
    key TEXT NOT NULL,
    value NUMERIC,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX corrections_cell ON corrections (sha256, key, id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    sha256 TEXT,
    run_id INTEGER,
    key TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_document ON events (sha256, id);
CREATE INDEX events_action ON events (action);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Each document's newest result, with its status and reasons as they stand after corrections.
CREATE VIEW current_results AS
SELECT r.sha256, r.run_id, r.id AS result_id, r.path, d.format, d.size,
       coalesce(v.status, r.status) AS status, r.organ, r.year, r.template,
       coalesce(v.reasons, r.reasons) AS reasons,
       v.state AS review, v.resolution, r.extracted_at
FROM results r
JOIN documents d ON d.sha256 = r.sha256
LEFT JOIN reviews v ON v.sha256 = r.sha256
WHERE r.id = (SELECT max(n.id) FROM results n WHERE n.sha256 = r.sha256);

-- The correction that counts for each cell: the latest (SQLite takes the other columns from
-- the row where max() is found).
CREATE VIEW latest_corrections AS
SELECT sha256, key, value, reviewer, at, note, max(id) AS id
FROM corrections GROUP BY sha256, key;

-- Every cell of every document as it stands: the newest run's reading, a correction over it.
-- (The casts give computed columns an affinity, so filters given as text compare as numbers.)
CREATE VIEW current_cells AS
SELECT c.sha256, c.run_id, c.key,
       CAST(CASE WHEN k.id IS NULL THEN c.value ELSE k.value END AS NUMERIC) AS value,
       CASE WHEN k.id IS NULL THEN c.state WHEN k.value IS NULL THEN 'blank'
            WHEN k.value = 0 THEN 'zero' ELSE 'number' END AS state,
       CASE WHEN k.id IS NULL THEN c.method ELSE 'human' END AS method,
       c.raw, c.location, c.value AS extracted,
       CAST(k.id IS NOT NULL AS INTEGER) AS corrected, k.reviewer, k.at AS corrected_at, k.note
FROM current_results r
JOIN cells c ON c.sha256 = r.sha256 AND c.run_id = r.run_id
LEFT JOIN corrections k ON k.sha256 = c.sha256 AND k.key = c.key
     AND k.id = (SELECT max(m.id) FROM corrections m WHERE m.sha256 = c.sha256 AND m.key = c.key);

-- What a person must look at, the most doubtful first.
CREATE VIEW queue AS
SELECT v.sha256, v.status, v.doubt, v.reasons, v.questioned, v.why, r.path,
       v.organ, v.year, v.template, v.format, v.run_id, v.opened_at, v.changed_at, v.changed_by, v.version
FROM reviews v JOIN results r ON r.sha256 = v.sha256 AND r.run_id = v.run_id
WHERE v.state = 'open'
ORDER BY v.doubt DESC, v.sha256;
"""


@migration
def m002_store(db: sqlite3.Connection) -> None:
    from .legacy import carry_over  # the previous version's rows, into the tables made here

    db.execute("ALTER TABLE reviews RENAME TO _previous_reviews")
    db.execute("ALTER TABLE results RENAME TO _previous_results")
    run_script(db, STORE_SCHEMA)
    carry_over(db, "_previous_results", "_previous_reviews")
    db.execute("DROP TABLE _previous_reviews")
    db.execute("DROP TABLE _previous_results")


@migration
def m003_results_by_organ_and_year(db: sqlite3.Connection) -> None:
    """The same organ's reports of neighbouring years, found by an index (cross-year evidence)."""
    db.execute("CREATE INDEX results_organ_year ON results (organ, year)")


@migration
def m004_extractions(db: sqlite3.Connection) -> None:
    # One row per document the service accepted: kept from the 202 on, so a service killed and
    # started again finishes every one. A document is read once per strategy: posted again, the
    # first extraction answers.
    run_script(
        db,
        """
        CREATE TABLE extractions (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            filename TEXT NOT NULL,
            format TEXT NOT NULL,
            size INTEGER NOT NULL,
            strategy TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
            submitted_by TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            run_id INTEGER REFERENCES runs (id),
            status TEXT,
            error TEXT,
            UNIQUE (sha256, strategy)
        );
        CREATE INDEX extractions_waiting ON extractions (state, submitted_at, id);
        CREATE INDEX extractions_person ON extractions (submitted_by, state);
        """,
    )


@migration
def m005_application_id(db: sqlite3.Connection) -> None:
    # The extractor's mark in the file's header: from here on a store is told from another
    # program's database by it, not by table names another program may use too.
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@migration
def m006_sources(db: sqlite3.Connection) -> None:
    # Where each document's bytes were on disk when a run read it, so the service can show the
    # source of a document it was never given: the file, or the archive and the member in it
    # (`load.archive.Origin`), with the path under the folder the run was given, to look for it
    # under a new root when the archive moves; `kept`: a copy the run made, named by its hash.
    run_script(
        db,
        """
        CREATE TABLE sources (
            sha256 TEXT NOT NULL REFERENCES documents (sha256),
            file TEXT NOT NULL,
            member TEXT NOT NULL DEFAULT '',
            relative TEXT NOT NULL DEFAULT '',
            size INTEGER,
            mtime REAL,
            kept INTEGER NOT NULL DEFAULT 0,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (sha256, file, member)
        );
        """,
    )


@migration
def m007_claims(db: sqlite3.Connection) -> None:
    # A reviewer's hold on the document they are looking at, which ends by itself: the next
    # document of a filter passes over those someone else holds, so two people working one
    # filter do not meet on a document. One a reviewer at a time (`claims.claim` keeps it so).
    run_script(
        db,
        """
        CREATE TABLE claims (
            sha256 TEXT PRIMARY KEY REFERENCES documents (sha256),
            reviewer TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX claims_reviewer ON claims (reviewer);
        """,
    )


@migration
def m008_queue_orders(db: sqlite3.Connection) -> None:
    # The queue's other orders (fewest cells to fix first, by path, by organ and year) and its
    # substring filters (organ, path), each answered from an index: the index of each order
    # ends with the organ and the path, so a filter on them is read from the index, not from
    # the rows. `suggestion` is the one-click fix (`suggest.suggestion`), `effort` 0 when there
    # is one, else the cells in doubt. Reviewers' decisions of a day are counted by index.
    from .queue import fill_orders

    run_script(
        db,
        """
        ALTER TABLE reviews ADD COLUMN path TEXT NOT NULL DEFAULT '';
        ALTER TABLE reviews ADD COLUMN method TEXT;
        ALTER TABLE reviews ADD COLUMN suggestion TEXT;
        ALTER TABLE reviews ADD COLUMN effort INTEGER NOT NULL DEFAULT 0;
        DROP INDEX reviews_queue;
        CREATE INDEX reviews_queue ON reviews (state, doubt DESC, sha256, organ, path);
        CREATE INDEX reviews_fewest ON reviews (state, effort, sha256, organ, path);
        CREATE INDEX reviews_path ON reviews (state, path, sha256, organ);
        CREATE INDEX reviews_organ_year ON reviews (state, ifnull(organ, ''), ifnull(year, 0), sha256, organ, path);
        CREATE INDEX reviews_reviewer ON reviews (reviewer, resolved_at);
        """,
    )
    fill_orders(db)


@migration
def m009_llm_batches(db: sqlite3.Connection) -> None:
    # The questions a run sent through a model provider's batch endpoint (`--llm-batch`), by the
    # provider's batch id: a run stopped while the provider works polls them again instead of
    # sending them twice. `questions` names each question by the answer cache's key (the
    # request's custom_id), with what validates its answer.
    run_script(
        db,
        """
        CREATE TABLE llm_batches (
            id TEXT PRIMARY KEY,
            endpoint TEXT NOT NULL,
            model TEXT NOT NULL,
            state TEXT NOT NULL,
            requests INTEGER NOT NULL,
            submitted_at TEXT NOT NULL,
            finished_at TEXT,
            detail TEXT
        );
        CREATE TABLE llm_batch_questions (
            key TEXT NOT NULL,
            batch_id TEXT NOT NULL REFERENCES llm_batches (id),
            tbl TEXT NOT NULL,
            layout TEXT NOT NULL,
            prompt TEXT NOT NULL,
            tokens INTEGER NOT NULL,
            PRIMARY KEY (key, batch_id)
        );
        """,
    )


def _named(column: str, names: tuple[str, ...]) -> str:
    """SQL naming the code in `column` (its place in `names`)."""
    return "CASE " + column + "".join(f" WHEN {i} THEN '{n}'" for i, n in enumerate(names)) + " END"


def compact_views() -> str:
    """The views over the compact tables: `cells` and `checks` by name, as the tables they replace
    were, and `current_cells` (every cell as it stands: corrections over the newest reading)."""
    from .packing import METHODS, STATES

    state, method = _named("c.state", STATES), _named("c.method", METHODS)
    raw = "coalesce(c.raw, CAST(c.value AS TEXT), '')"
    where = "c.page, c.line, c.line_end, c.span_start, c.span_end, c.tbl, c.grid_row, c.grid_col, c.x0 / 10.0 AS x0, c.top / 10.0 AS top, c.x1 / 10.0 AS x1, c.bottom / 10.0 AS bottom, c.member"
    return f"""
CREATE VIEW cells AS
SELECT r.sha256, r.run_id, y.key, c.value, {state} AS state, {method} AS method, {raw} AS raw,
       {where}, c.ambiguous, c.note
FROM cell_values c JOIN results r ON r.id = c.result_id JOIN keys y ON y.id = c.key_id;

CREATE VIEW checks AS
SELECT r.sha256, r.run_id, k.rule, k.name, c.status, k.severity, k.cells, c.left_value, c.right_value, c.diff, c.message
FROM check_values c JOIN results r ON r.id = c.result_id JOIN check_kinds k ON k.id = c.kind_id;

CREATE VIEW current_cells AS
SELECT r.sha256, r.run_id, y.key,
       CAST(CASE WHEN k.id IS NULL THEN c.value ELSE k.value END AS NUMERIC) AS value,
       CASE WHEN k.id IS NULL THEN {state} WHEN k.value IS NULL THEN 'blank'
            WHEN k.value = 0 THEN 'zero' ELSE 'number' END AS state,
       CASE WHEN k.id IS NULL THEN {method} ELSE 'human' END AS method,
       {raw} AS raw, {where}, c.value AS extracted,
       CAST(k.id IS NOT NULL AS INTEGER) AS corrected, k.reviewer, k.at AS corrected_at, k.note
FROM current_results r
JOIN cell_values c ON c.result_id = r.result_id
JOIN keys y ON y.id = c.key_id
LEFT JOIN corrections k ON k.sha256 = r.sha256 AND k.key = y.key
     AND k.id = (SELECT max(m.id) FROM corrections m WHERE m.sha256 = r.sha256 AND m.key = y.key);
"""


COMPACT_TABLES = """
-- The keys of the field dictionary, numbered in the templates' order, and any other key met.
CREATE TABLE keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
-- What a check is, the same in every report: its rule, name, severity and the cells it reads.
CREATE TABLE check_kinds (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,
    cells TEXT NOT NULL,
    UNIQUE (rule, name, severity, cells)
);
-- A result's cells: its state and method as codes (`packing.STATES`, `METHODS`), the raw text
-- only where it is not the value as written, the location in typed columns, a box in tenths
-- of a point.
CREATE TABLE cell_values (
    result_id INTEGER NOT NULL REFERENCES results (id),
    key_id INTEGER NOT NULL REFERENCES keys (id),
    value NUMERIC,
    state INTEGER NOT NULL,
    method INTEGER NOT NULL,
    raw TEXT,
    ambiguous INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    page INTEGER, line INTEGER, line_end INTEGER, span_start INTEGER, span_end INTEGER,
    tbl INTEGER, grid_row INTEGER, grid_col INTEGER,
    x0 INTEGER, top INTEGER, x1 INTEGER, bottom INTEGER,
    member TEXT,
    PRIMARY KEY (result_id, key_id)
) WITHOUT ROWID;
-- A result's checks: the kind, the status and figures; the message where it did not pass.
CREATE TABLE check_values (
    result_id INTEGER NOT NULL REFERENCES results (id),
    kind_id INTEGER NOT NULL REFERENCES check_kinds (id),
    status TEXT NOT NULL,
    left_value NUMERIC,
    right_value NUMERIC,
    diff NUMERIC,
    message TEXT,
    PRIMARY KEY (result_id, kind_id)
) WITHOUT ROWID;
"""


@migration
def m010_compact(db: sqlite3.Connection) -> None:
    # A store of 100,000 reports took 17 GB: every result's JSON (60 KB) beside its cells and
    # checks again as text, a 64-character hash in every cell's key and a JSON location per cell.
    # The JSON is now kept compressed, the cells and checks as rows of small numbers under the
    # result's id; the views `cells` and `checks` show them by name, as the tables were.
    from .packing import convert

    run_script(db, COMPACT_TABLES)
    convert(db)
    run_script(db, "DROP VIEW current_cells;\nDROP TABLE cells;\nDROP TABLE checks;\n")
    run_script(db, compact_views())


@migration
def m011_organs(db: sqlite3.Connection) -> None:
    # Organs were their printed names: "洪泽区人民政府" (2023) and "淮安市洪泽区人民政府" (2024)
    # were two organs, and the cross-year checks between them never ran. Names are now placed in
    # organs (`organs`), those of the results stored so far here, and the documents of names
    # joined are weighed again with the years the join gives them.
    from . import write
    from .organs import table

    at = datetime.now(UTC).isoformat(timespec="seconds")
    run_script(db, table.SCHEMA)
    table.fill(db, at)
    joined = db.execute(
        "SELECT DISTINCT r.sha256 FROM current_results r JOIN organ_names n ON n.name = r.organ"
        " WHERE n.organ_id IN (SELECT organ_id FROM organ_names GROUP BY organ_id HAVING count(*) > 1) ORDER BY r.sha256"
    ).fetchall()
    for (sha,) in joined:
        write.weigh_again(db, sha, actor="extractor", at=at, because=None)
