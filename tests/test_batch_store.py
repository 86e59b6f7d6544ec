"""A batch over a store where people have worked: a resolved review stays resolved when the same
configuration runs again (nothing is read), and a run with another configuration gets the
document's correction re-applied to its new result and verified again. The other configuration
is the rules-first strategy with a TEST DOUBLE for the model (tests/doubles)."""

from __future__ import annotations

from extractor.batch import InProcess, Ledger, run
from extractor.load.archive import inputs
from extractor.options import RULES_ONLY
from extractor.store import Store

from .conftest import DOCS
from .doubles.fake_server import FakeServer, ToolCall
from .doubles.golden_model import golden_answer
from .llm_setup import double_options

SHANGHAI = DOCS / "10_shanghai_kewei_2024.md"  # its source leaves 结转下年度 总计 blank


def _batch(db, options):
    ledger = Ledger(Store(db), options.fingerprint)
    try:
        return [
            (o.new, o.status)
            for o in run(inputs([str(SHANGHAI)], read=False), options=options, pool=InProcess(options), store=ledger)
        ]
    finally:
        ledger.close()


def test_a_resolved_review_survives_a_rerun_and_a_new_configuration_gets_the_correction(tmp_path):
    db = tmp_path / "r.sqlite"
    assert _batch(db, RULES_ONLY) == [(True, "needs_review")]
    with Store(db) as store:
        (sha,) = [r[0] for r in store.db.execute("SELECT sha256 FROM results")]
        assert store.resolve(sha, cells={"s3.carried_forward.total": 1}, reviewer="li").state == "resolved"

    assert _batch(db, RULES_ONLY) == [(False, "verified")], "nothing read; the document stands corrected"
    with Store(db) as store:
        assert store.review(sha).state == "resolved"

    options, _ = double_options(FakeServer(ToolCall(golden_answer(SHANGHAI.stem))), "rules-first")
    assert options.fingerprint != RULES_ONLY.fingerprint
    assert _batch(db, options) == [(True, "verified")], "read again, the correction re-applied and verified"
    with Store(db) as store:
        assert len(store.runs()) == 2
        current = store.current(sha)
        assert current.strategy == "rules-first" and current.status == "verified"
        assert current.cells["s3.carried_forward.total"] == 1
        assert current.provenance["s3.carried_forward.total"].method == "human"
        assert store.review(sha).state == "resolved"
