"""How a run reads its documents: the strategy, and the model path when one is configured.

    >>> from extractor.options import Options
    >>> Options().strategy
    'rules'

Building options with a model strategy checks the configuration at once (an unknown strategy,
a strategy that needs an endpoint while none is set: `ConfigError`), so a run never starts with
options that cannot work. The model client is imported only then: the rules never load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .errors import ConfigError
from .kinds import STRATEGIES
from .limits import DEFAULT, Limits

if TYPE_CHECKING:
    from .extract.llm import LlmExtractor, LlmSettings


BLANKS = ("zero", "strict")


@dataclass(frozen=True, kw_only=True)
class Options:
    strategy: str = "rules"
    llm: LlmExtractor | None = None
    # "zero": a document whose only doubts are blank applicant cells of table 三 that hold as
    # zeros is verified, the inference named (SPEC §5.1); "strict": it goes to review.
    blanks: str = "zero"
    # What one document may cost (`extractor.limits`). Not part of the fingerprint: a document
    # within them reads alike under any limits, and one that failed over a limit is read again
    # by a run that raises that limit (`limits.lifted`).
    limits: Limits = DEFAULT

    def __post_init__(self) -> None:
        if self.blanks not in BLANKS:
            raise ConfigError(f"unknown blanks policy {self.blanks!r}: choose one of {', '.join(BLANKS)}")

    @classmethod
    def from_settings(
        cls, settings: LlmSettings, strategy: str | None = None, *, blanks: str = "zero", limits: Limits = DEFAULT
    ) -> Options:
        """`rules` without an endpoint, `cross-check` with one, unless a strategy is named."""
        strategy = strategy or ("cross-check" if settings.configured else "rules")
        if strategy not in STRATEGIES:
            raise ConfigError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
        if strategy == "rules":
            return cls(strategy="rules", blanks=blanks, limits=limits)
        if not settings.configured:
            raise ConfigError(
                f"strategy {strategy} needs an LLM endpoint: set OPENAI_BASE_URL and EXTRACTOR_MODEL "
                "(or --base-url and --model)"
            )
        from .extract.llm import build_extractor

        try:
            return cls(strategy=strategy, llm=build_extractor(settings), blanks=blanks, limits=limits)
        except ValueError as e:  # an unknown mode or server family
            raise ConfigError(str(e)) from None

    def __reduce__(self) -> tuple:
        # Options cross to worker processes (and Ray's) by their settings: a model client and its
        # connections cannot be pickled, so each process builds its own, once.
        return (_rebuilt, (self.strategy, self.llm.settings if self.llm else None, self.blanks, self.limits))

    @property
    def fingerprint(self) -> dict[str, str | None]:
        """What decides the reading: two runs with the same fingerprint read a document alike."""
        from . import __version__

        llm = self.llm
        return {
            "extractor": __version__,
            "strategy": self.strategy,
            "blanks": self.blanks,
            "model": llm.settings.model if llm else None,
            "mode": llm.settings.mode_name if llm else None,
            "prompts": llm.prompt_versions() if llm else None,
        }


RULES_ONLY = Options()


@cache
def _rebuilt(strategy: str, settings: LlmSettings | None, blanks: str, limits: Limits = DEFAULT) -> Options:
    if settings is None:
        return Options(strategy=strategy, blanks=blanks, limits=limits)
    return Options.from_settings(settings, strategy, blanks=blanks, limits=limits)


def options_for(strategy: str, limits: Limits | None = None) -> Options:
    """Options for a named strategy, the endpoint taken from the environment, and the limits
    (`limits`, else the environment's)."""
    from .extract.llm import LlmSettings

    return Options.from_settings(LlmSettings.from_env(), strategy, limits=limits or Limits.from_env())


def available_strategies() -> list[str]:
    """The strategies that can run here: all of them with an endpoint, else the rules alone."""
    from .extract.llm import LlmSettings

    return list(STRATEGIES) if LlmSettings.from_env().configured else ["rules"]
