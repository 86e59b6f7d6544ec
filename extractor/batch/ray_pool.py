"""The same per-document work as Ray tasks: past one machine, on a Ray cluster.

    extractor batch reports/ --db results.sqlite --engine ray --ray-address ray://head:10001

Each document is one task running `task.read`, the function the process pool runs; the run's
options go to the cluster once (`ray.put`) and each worker process builds its reader from them
once. The driver, this process, keeps no more than `capacity` tasks in flight and stays the
only writer of the store and of the JSON lines file.

Documents travel as bytes: a cluster's machines need not see this one's files. On a Ray
started here (no address) the workers share this machine's disk, and plain files travel as
their path. Such a local Ray listens on the loopback only.

Ray is an optional extra: `pip install 'gov-report-extractor[ray]'`.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import ConfigError
from ..options import Options
from .pool import failed
from .task import Done, read
from .work import Work

TASK_DIED = "the Ray task reading it failed: its worker died or the node was lost"


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'gov-report-extractor[ray]'") from None
    return ray


class RayPool:
    def __init__(
        self, options: Options, *, workers: int | None = None, address: str | None = None,
        capacity: int | None = None, shared_files: bool | None = None,
    ) -> None:  # fmt: skip
        """`address`: the cluster to join (default: the Ray this process runs, else one started
        here). `shared_files`: whether the workers see this machine's files (default: only on a
        Ray of this machine)."""
        if address is None:
            # Read when Ray is first imported: a Ray of one machine then binds to 127.0.0.1
            # rather than to the machine's address on its network.
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        ray = self._ray = _ray()
        self._own = not ray.is_initialized()
        if self._own:
            try:
                ray.init(
                    address=address, num_cpus=workers if address is None else None,
                    include_dashboard=False, logging_level="WARNING", log_to_driver=False,
                )  # fmt: skip
            except ConnectionError as e:
                raise ConfigError(f"cannot reach the Ray cluster at {address}: {e}") from None
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = workers or cpus
        self.capacity = capacity or 2 * self.workers
        self.by_path = address is None if shared_files is None else shared_files
        # One retry: a task whose worker died is tried once more, then fails alone.
        self._read = ray.remote(num_cpus=1, max_retries=1)(read)
        self._options = ray.put(options)
        self._refs: dict[Any, tuple[int, Work]] = {}

    def submit(self, seq: int, work: Work) -> None:
        sent = work if self.by_path else work.with_bytes()
        self._refs[self._read.remote(seq, sent, self._options)] = (seq, work)

    def done(self, timeout: float | None) -> list[Done]:
        if not self._refs:
            return []
        ray = self._ray
        ready, _ = ray.wait(list(self._refs), num_returns=1, timeout=timeout)
        if ready:  # and any others finished meanwhile
            ready, _ = ray.wait(list(self._refs), num_returns=len(self._refs), timeout=0)
        out = []
        for ref in ready:
            seq, work = self._refs.pop(ref)
            try:
                out.append(ray.get(ref))
            except ray.exceptions.RayError as e:
                out.append(failed(seq, work, f"{TASK_DIED} ({type(e).__name__})"))
        return out

    def close(self, *, abort: bool = False) -> None:
        if abort:
            for ref in self._refs:
                self._ray.cancel(ref, force=True)
        self._refs.clear()
        if self._own:
            self._ray.shutdown()
