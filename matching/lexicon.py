"""The words around a job title or a requirement that are data, not code: noise and jargon.

A :class:`Lexicon` holds, per kind of text (``occupation`` or ``skill``), phrases to drop
("(m/v)", "ZZP", "je bent in het bezit van een"), qualifiers that stay but weigh little
("allround", "eerste", "BBL": "eerste monteur E" is a level of "monteur E"), phrases to rewrite
("monteur W" -> "installatiemonteur werktuigkundige installaties", "E&I" -> "elektrotechniek en
instrumentatie"), plus the place names of the Netherlands. Phrases are sequences of folded tokens
(:func:`matching.textnorm.tokenize`), matched longest first in one left-to-right pass.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .textnorm import tokenize

__all__ = ["EMPTY_LEXICON", "KINDS", "Lexicon"]

KINDS = ("occupation", "skill")
Phrase = tuple[str, ...]
# per kind: (dropped phrases, the longest), (rewrites, the longest); see Lexicon.__post_init__
_DropSet = tuple[tuple[frozenset[Phrase], int], tuple[Mapping[Phrase, Phrase], int]]


def _phrases(texts: Iterable[str]) -> frozenset[Phrase]:
    return frozenset(p for p in (tuple(tokenize(t)) for t in texts) if p)


@dataclass(frozen=True)
class Lexicon:
    """Noise and jargon per kind of text, and place names; build with :meth:`build`."""

    noise: Mapping[str, frozenset[Phrase]] = field(default_factory=dict)
    qualifiers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tails: Mapping[str, frozenset[Phrase]] = field(default_factory=dict)
    rewrites: Mapping[str, Mapping[Phrase, Phrase]] = field(default_factory=dict)
    places: frozenset[Phrase] = frozenset()
    _drop_sets: dict[str, _DropSet] = field(default_factory=dict, init=False, repr=False,
                                            compare=False)

    def __post_init__(self) -> None:
        # noise and places joined once per kind: apply() runs for every query
        for kind in KINDS:
            dropped = self.noise.get(kind, frozenset()) | self.places
            table = self.rewrites.get(kind, {})
            self._drop_sets[kind] = (
                (dropped, max(map(len, dropped), default=0)),
                (table, max(map(len, table), default=0)),
            )

    @classmethod
    def build(
        cls,
        *,
        noise: Iterable[tuple[str, str, str]] = (),
        rewrites: Iterable[tuple[str, str, str]] = (),
        places: Iterable[str] = (),
    ) -> Lexicon:
        """Build from (phrase, kind, action) noise rows, (phrase, expansion, kind) rows and places.

        Parameters
        ----------
        noise : iterable of (phrase, kind, action)
            ``kind`` is ``occupation``, ``skill`` or ``both``; ``action`` is ``drop``,
            ``qualifier`` (kept in the text, its words weigh little when matching) or ``tail``
            (what follows is context: "bij <werkgever>", "@ <plaats>").
        rewrites : iterable of (phrase, expansion, kind)
            Jargon to spell out; the expansion is tokenised like the phrase.
        places : iterable of str
            Place and municipality names; they are dropped only where they are no word of the
            taxonomy (see :meth:`without_words`).

        Returns
        -------
        Lexicon
        """
        drop: dict[str, set[str]] = {k: set() for k in KINDS}
        keep: dict[str, set[str]] = {k: set() for k in KINDS}
        tail: dict[str, set[str]] = {k: set() for k in KINDS}
        for phrase, kind, action in noise:
            if action not in ("drop", "qualifier", "tail"):
                raise ValueError(f"noise action must be drop, qualifier or tail, not {action!r}")
            for k in KINDS if kind == "both" else (kind,):
                if action == "drop":
                    drop[k].add(phrase)
                elif action == "tail":
                    tail[k].add(phrase)
                else:
                    keep[k].update(tokenize(phrase))
        spell: dict[str, dict[Phrase, Phrase]] = {k: {} for k in KINDS}
        for phrase, expansion, kind in rewrites:
            key, value = tuple(tokenize(phrase)), tuple(tokenize(expansion))
            for k in KINDS if kind == "both" else (kind,):
                if key:
                    spell[k].setdefault(key, value)
        return cls(
            noise={k: _phrases(v) for k, v in drop.items()},
            qualifiers={k: frozenset(v) for k, v in keep.items()},
            tails={k: _phrases(v) for k, v in tail.items()},
            rewrites=spell,
            places=_phrases(places),
        )

    def without_words(self, vocabulary: Iterable[str]) -> Lexicon:
        """A copy whose place names leave out the words ``vocabulary`` uses ("Best", "Goes")."""
        words = set(vocabulary)
        places = frozenset(p for p in self.places if not (len(p) == 1 and p[0] in words))
        return Lexicon(self.noise, self.qualifiers, self.tails, self.rewrites, places)

    def tail_start(self, tokens: Sequence[str], kind: str) -> int:
        """Where a tail ("bij", "@") starts after the first word, or 0 when there is none."""
        phrases = self.tails.get(kind, frozenset())
        longest = max(map(len, phrases), default=0)
        for i in range(1, len(tokens)):
            if _longest(tokens, i, phrases, longest):
                return i
        return 0

    def apply(self, tokens: Sequence[str], kind: str) -> list[str]:
        """Drop noise and places, spell out jargon, drop noise again; keep all if all is noise."""
        if kind not in self._drop_sets:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        noise, table = self._drop_sets[kind]
        kept = _drop(tokens, *noise)
        rewritten = _rewrite(kept, *table)
        cleaned = _drop(rewritten, *noise) if rewritten != kept else rewritten
        return cleaned or list(tokens)


def _longest(tokens: Sequence[str], i: int, phrases: Container[Phrase], longest: int) -> int:
    """Length of the longest phrase of ``phrases`` starting at ``tokens[i]`` (0 if none)."""
    for n in range(min(longest, len(tokens) - i), 0, -1):
        if tuple(tokens[i : i + n]) in phrases:
            return n
    return 0


def _drop(tokens: Sequence[str], phrases: frozenset[Phrase], longest: int) -> list[str]:
    if not longest:
        return list(tokens)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        n = _longest(tokens, i, phrases, longest)
        if n:
            i += n
        else:
            out.append(tokens[i])
            i += 1
    return out


def _rewrite(tokens: Sequence[str], table: Mapping[Phrase, Phrase], longest: int) -> list[str]:
    if not longest:
        return list(tokens)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        n = _longest(tokens, i, table, longest)
        if n:
            out.extend(table[tuple(tokens[i : i + n])])
            i += n
        else:
            out.append(tokens[i])
            i += 1
    return out


EMPTY_LEXICON = Lexicon()
