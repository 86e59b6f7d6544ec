"""A real `extractor serve` process on loopback, for the tests that treat the service as its users do.

    with Served(tmp_path / "data", tokens={"li": "li-token-0123456789"}) as s:
        httpx.get(s.url + "/healthz")

Its memory is read from /proc, for the whole process tree (the service and its workers).

`Live(app)` serves an app made in the test by uvicorn, in a thread, on a real socket: for what
only a real connection shows (a client that sends its body slowly) with settings no command
line option gives.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def write_tokens(path: Path, tokens: dict[str, str]) -> Path:
    path.write_text("# name token\n" + "".join(f"{name} {token}\n" for name, token in tokens.items()), encoding="utf-8")
    return path


class Served:
    def __init__(self, data: Path, *, tokens: dict[str, str] | None = None, args: tuple[str, ...] = (), port: int | None = None):
        self.data = data
        self.port = port or free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.tokens_file = write_tokens(data.parent / "tokens.txt", tokens) if tokens else None
        self.args = args
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Served:
        command = [sys.executable, "-m", "extractor", "serve", "--data", str(self.data), "--port", str(self.port), *self.args]
        if self.tokens_file:
            command += ["--tokens", str(self.tokens_file)]
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "EXTRACTOR_MODEL", "EXTRACTOR_TOKENS_FILE")}
        self.log = open(self.data.parent / f"serve-{self.port}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"extractor serve exited with {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"extractor serve did not answer within {timeout} s: {self.output()}")

    def output(self) -> str:
        return (self.data.parent / f"serve-{self.port}.log").read_text(errors="replace")[-2000:]

    def kill(self) -> None:
        """SIGKILL to the service alone, as a crash would: its workers notice and end."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self) -> Served:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def peak_mb(self) -> float:
        """The service process's own peak resident memory (VmHWM), in MB."""
        return _status(self.pid, "VmHWM") / 1024

    def tree_rss_mb(self) -> float:
        """Resident memory of the service and every process under it, in MB."""
        return sum(_status(p, "VmRSS") for p in tree(self.pid)) / 1024


def _status(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


class Live:
    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=self.port, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Live:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
