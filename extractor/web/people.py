"""Who is asking: reviewers known by their token, and the session a browser keeps after signing in.

A tokens file holds one person a line, their name and their token, separated by spaces; blank
lines and lines starting with `#` are skipped:

    # name   token
    li       3q9c1d6f0a7b2e85
    wang     7e41b0c9d2a6f358

The API takes the token as `Authorization: Bearer <token>`. The pages ask for it once (sign-in)
and then keep a session cookie: the person's name, when it was given, its own id and a
fingerprint of the token it was given for, signed with the service's own key, so a restart
keeps people signed in. A session ends when its person signs out (its id is kept among the
revoked, in the data folder, until it would have expired) and when the tokens file no longer
gives its person that token: the file is read again whenever it changes, so a token taken out
or rotated stops working, for the API and for every session signed in with it, at the next
request. Every form carries a token derived from the session (CSRF): a page of another site
cannot post one.

Without a tokens file the service has one person, the local user, and listens on loopback only.

    >>> people = People.parse("li 3q9c1d6f0a7b2e85\\n# a comment\\nwang 7e41b0c9d2a6f358\\n", "tokens.txt")
    >>> people.by_token("7e41b0c9d2a6f358"), people.by_token("nope")
    ('wang', None)
    >>> keys = Sessions(b"k" * 32, people)
    >>> cookie = keys.issue("li", "3q9c1d6f0a7b2e85")
    >>> keys.person(cookie)
    'li'
    >>> keys.revoke(cookie)
    >>> keys.person(cookie) is None
    True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import time
from pathlib import Path

from ..errors import ConfigError

logger = logging.getLogger(__name__)

MIN_TOKEN = 12  # characters: shorter tokens can be guessed by trying
SESSION_SECONDS = 7 * 24 * 3600


class People:
    """The people the service knows: name by token. `local`: the one local user (no tokens file)."""

    def __init__(self, tokens: dict[str, str], *, local: str | None = None, source: Path | None = None) -> None:
        self._tokens = tokens
        self.local = local
        self._source = source  # the tokens file, read again when it changes
        self._stamp = _stamp(source) if source is not None else None

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
        people = cls.parse(text, str(path))
        people._source, people._stamp = Path(path), _stamp(Path(path))
        return people

    def _fresh(self) -> None:
        """Read the tokens file again if it changed. A file that cannot be used as it now stands
        (half written, a mistake) leaves the people as they were, and says so in the log."""
        if self._source is None:
            return
        stamp = _stamp(self._source)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._tokens = People.read(self._source)._tokens
        except ConfigError as e:
            logger.error("the tokens file changed but cannot be used (%s): the people it gave before are kept", e)
        else:
            logger.warning("the tokens file changed: %d people now", len(self._tokens))

    @classmethod
    def local_user(cls, name: str) -> People:
        return cls({}, local=name)

    @property
    def open(self) -> bool:
        """No tokens: everyone who can reach the service (loopback only) is the local user."""
        return self.local is not None

    def by_token(self, token: str) -> str | None:
        self._fresh()
        found = None
        for known, name in self._tokens.items():  # every token compared, in constant time each
            if hmac.compare_digest(known.encode(), token.encode()):
                found = name
        return found

    def knows(self, name: str) -> bool:
        return self.token_of(name) is not None

    def token_of(self, name: str) -> str | None:
        """The person's token now (the local user's: ""); None for a name the service does not know."""
        if name == self.local:
            return ""
        self._fresh()
        return next((token for token, known in self._tokens.items() if known == name), None)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class Sessions:
    """Signed session cookies, bound to the token they were given for; the CSRF token of each;
    the sessions ended by signing out (`revoked`: a file, kept across restarts)."""

    def __init__(self, key: bytes, people: People, *, seconds: int = SESSION_SECONDS, revoked: Path | None = None) -> None:
        self._key = key
        self.people = people
        self.seconds = seconds
        self._revoked_file = revoked
        self._revoked = _read_revoked(revoked) if revoked is not None else {}  # session id -> when it would expire

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

    def _fingerprint(self, token: str) -> str:
        # Signed, so the cookie tells nothing of the token to one who reads it.
        return self._sign("token\n" + token)[:32]

    def issue(self, name: str, token: str) -> str:
        """A session for `name`, signed in with `token` (the local user: "")."""
        fields = f"{name}\n{int(time.time())}\n{secrets.token_hex(8)}\n{self._fingerprint(token)}"
        payload = base64.urlsafe_b64encode(fields.encode()).decode()
        return f"{payload}.{self._sign(payload)}"

    def _read(self, cookie: str | None) -> tuple[str, int, str, str] | None:
        """(name, issued, session id, token fingerprint) of a cookie signed by this service."""
        if not cookie or "." not in cookie:
            return None
        payload, _, signature = cookie.rpartition(".")
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            name, issued, sid, fingerprint = base64.urlsafe_b64decode(payload.encode()).decode().split("\n")
            return name, int(issued), sid, fingerprint
        except ValueError:
            return None

    def person(self, cookie: str | None) -> str | None:
        """The name a valid session names: unexpired, not signed out, and its token still the
        one the tokens file gives that person."""
        read = self._read(cookie)
        if read is None:
            return None
        name, issued, sid, fingerprint = read
        if time.time() - issued >= self.seconds or sid in self._revoked:
            return None
        token = self.people.token_of(name)
        if token is None or not hmac.compare_digest(self._fingerprint(token), fingerprint):
            return None
        return name

    def revoke(self, cookie: str) -> None:
        """End a session for good (signing out): kept among the revoked until it would expire."""
        read = self._read(cookie)
        if read is None:
            return
        _, issued, sid, _ = read
        now = time.time()
        self._revoked = {s: until for s, until in self._revoked.items() if until > now} | {sid: issued + self.seconds}
        if self._revoked_file is not None:
            _write_revoked(self._revoked_file, self._revoked)

    def csrf(self, cookie: str) -> str:
        return self._sign("csrf\n" + cookie)

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        return bool(cookie and token) and hmac.compare_digest(self.csrf(cookie), token)  # type: ignore[arg-type]


def _read_revoked(path: Path) -> dict[str, float]:
    """The revoked sessions still unexpired: a line each, its id and when it would expire."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except FileNotFoundError:
        return {}
    now, out = time.time(), {}
    for line in lines:
        sid, _, until = line.partition(" ")
        try:
            if float(until) > now:
                out[sid] = float(until)
        except ValueError:
            continue
    return out


def _write_revoked(path: Path, revoked: dict[str, float]) -> None:
    part = path.with_suffix(".part")
    try:
        part.write_text("".join(f"{sid} {until:.0f}\n" for sid, until in revoked.items()), encoding="ascii")
        os.replace(part, path)  # whole or not at all: a sign-out cut short never forgets the others
    except BaseException:
        part.unlink(missing_ok=True)
        raise


__all__ = ["People", "Sessions", "MIN_TOKEN"]
