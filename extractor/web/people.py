"""Who is asking: reviewers known by their token, and the session a browser keeps after signing in.

A tokens file holds one person a line, their name and their token, separated by spaces; blank
lines and lines starting with `#` are skipped:

    # name   token
    li       3q9c1d6f0a7b2e85
    wang     7e41b0c9d2a6f358

The API takes the token as `Authorization: Bearer <token>`. The pages ask for it once (sign-in)
and then keep a session cookie: the person's name and when it was given, signed with the
service's own key, so no session table is needed and a restart keeps people signed in. Every
form carries a token derived from the session (CSRF): a page of another site cannot post one.

Without a tokens file the service has one person, the local user, and listens on loopback only.

    >>> people = People.parse("li 3q9c1d6f0a7b2e85\\n# a comment\\nwang 7e41b0c9d2a6f358\\n", "tokens.txt")
    >>> people.by_token("7e41b0c9d2a6f358"), people.by_token("nope")
    ('wang', None)
    >>> keys = Sessions(b"k" * 32, people)
    >>> keys.person(keys.issue("li"))
    'li'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from ..errors import ConfigError

MIN_TOKEN = 12  # characters: shorter tokens can be guessed by trying
SESSION_SECONDS = 7 * 24 * 3600


class People:
    """The people the service knows: name by token. `local`: the one local user (no tokens file)."""

    def __init__(self, tokens: dict[str, str], *, local: str | None = None) -> None:
        self._tokens = tokens
        self.local = local

    @classmethod
    def parse(cls, text: str, path: str) -> People:
        tokens: dict[str, str] = {}
        names: set[str] = set()
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ConfigError(f"{path} line {n}: expected a name and a token separated by spaces")
            name, token = parts
            if len(token) < MIN_TOKEN:
                raise ConfigError(f"{path} line {n}: the token of {name} is shorter than {MIN_TOKEN} characters")
            if token in tokens:
                raise ConfigError(f"{path} line {n}: the token of {name} is also {tokens[token]}'s")
            if name in names:
                raise ConfigError(f"{path} line {n}: {name} is named twice")
            tokens[token] = name
            names.add(name)
        if not tokens:
            raise ConfigError(f"{path}: no tokens in the file (a line per person: name token)")
        return cls(tokens)

    @classmethod
    def read(cls, path: str | Path) -> People:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such tokens file") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: cannot read the tokens file ({e})") from None
        return cls.parse(text, str(path))

    @classmethod
    def local_user(cls, name: str) -> People:
        return cls({}, local=name)

    @property
    def open(self) -> bool:
        """No tokens: everyone who can reach the service (loopback only) is the local user."""
        return self.local is not None

    def by_token(self, token: str) -> str | None:
        found = None
        for known, name in self._tokens.items():  # every token compared, in constant time each
            if hmac.compare_digest(known.encode(), token.encode()):
                found = name
        return found

    def knows(self, name: str) -> bool:
        return name == self.local or name in self._tokens.values()


class Sessions:
    """Signed session cookies, and the CSRF token of each session."""

    def __init__(self, key: bytes, people: People, *, seconds: int = SESSION_SECONDS) -> None:
        self._key = key
        self.people = people
        self.seconds = seconds

    @staticmethod
    def key_in(folder: Path) -> bytes:
        """The service's signing key, made once and kept in its data folder (readable by its owner only)."""
        path = folder / "session.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        return path.read_bytes()

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, name: str) -> str:
        payload = base64.urlsafe_b64encode(f"{name}\n{int(time.time())}\n{secrets.token_hex(8)}".encode()).decode()
        return f"{payload}.{self._sign(payload)}"

    def person(self, cookie: str | None) -> str | None:
        """The name a valid, unexpired session cookie names (and the tokens file still holds)."""
        if not cookie or "." not in cookie:
            return None
        payload, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            name, issued, _ = base64.urlsafe_b64decode(payload.encode()).decode().split("\n")
            fresh = time.time() - int(issued) < self.seconds
        except ValueError:
            return None
        return name if fresh and self.people.knows(name) else None

    def csrf(self, cookie: str) -> str:
        return self._sign("csrf\n" + cookie)

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        return bool(cookie and token) and hmac.compare_digest(self.csrf(cookie), token)  # type: ignore[arg-type]


__all__ = ["People", "Sessions", "MIN_TOKEN"]
