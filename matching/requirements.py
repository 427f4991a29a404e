"""Reading a requirement line ("Je bent in het bezit van een geldig VCA-VOL diploma") as what it
really asks: a skill, a certificate, a driving licence, a language level, an education level or
years of experience, and whether it is a must.

The cue words are data (`spt/data/recognition/requirement_cues.csv`, see :class:`Cues`); number
formats ("5 jaar", "mbo-3", "B1") are read here. What is left after the typed parts goes to the
skill taxonomy, so "storingen verhelpen aan warmtepompen" becomes a skill and "5 jaar werkervaring
in de bouw" never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .taxonomy import Suggestion, Taxonomy
from .textnorm import tokenize

__all__ = ["KINDS", "Cues", "Requirement", "parse_requirement"]

#: What a requirement can be, in the order a line's parts are read.
KINDS = ("licence", "language", "education", "experience", "certificate", "skill", "other")
_CUE_KINDS = ("hard", "licence", "licence_category", "language", "cefr", "fluency",
              "language_context", "education", "experience", "certificate_cue", "conjunction",
              "number")
_WINDOW = 5  # words around a cue where its category or level stands ("rijbewijs B en C")
_DEFAULT_LICENCE = "B"  # "rijbewijs" alone: an advisor reads a car licence
_DEFAULT_MBO = "mbo-2"  # "een afgeronde mbo-opleiding": at least the startkwalificatie
_YEAR_WORDS = frozenset({"jaar", "jaren", "jr", "years", "year"})
_PLAUSIBLE = 0.5  # an unsure skill at least this likely is named, for the person to confirm
CERTIFICATE = "certificaat"  # the skill kind of a certificate in the curated list
_ROLE_WORDS = frozenset({"als", "in", "binnen", "bij", "op"})  # "ervaring als monteur"
Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Cues:
    """Cue phrases per kind with their value; build from `requirement_cues.csv` rows."""

    table: Mapping[str, Mapping[Phrase, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str]]) -> Cues:
        """From (phrase, kind, value) rows; unknown kinds are refused."""
        table: dict[str, dict[Phrase, str]] = {k: {} for k in _CUE_KINDS}
        for phrase, kind, value in rows:
            if kind not in table:
                raise ValueError(f"unknown cue kind {kind!r} for {phrase!r}")
            key = tuple(tokenize(phrase))
            if key:
                table[kind][key] = value or ""
        return cls(table)

    def find(self, tokens: list[str], kind: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of every non-overlapping cue of ``kind``, longest first."""
        phrases = self.table.get(kind, {})
        longest = max(map(len, phrases), default=0)
        hits, i = [], 0
        while i < len(tokens):
            for n in range(min(longest, len(tokens) - i), 0, -1):
                value = phrases.get(tuple(tokens[i : i + n]))
                if value is not None:
                    hits.append((i, i + n, value))
                    i += n
                    break
            else:
                i += 1
        return hits


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing a requirement line asks (or a CV line claims).

    ``concept_id`` is the skill id of a skill, certificate or licence; ``value`` the licence
    category ("CE"), the language ("nl"), the education level ("mbo-3") or a field; ``level`` a
    language's CEFR level; ``years`` of experience. ``hard`` is True for a must, False for a pre,
    None when the line does not say. A skill the taxonomy was not sure of (``sure`` False) names
    its most likely concept when that is plausible, with the ``alternatives`` to offer.
    """

    kind: str
    text: str
    concept_id: str | None = None
    label: str | None = None
    value: str | None = None
    level: str | None = None
    years: int | None = None
    hard: bool | None = None
    confidence: float = 1.0
    alternatives: tuple[Suggestion, ...] = ()
    sure: bool = True


def parse_requirement(
    line: str, skills: Taxonomy, cues: Cues, *, licence_skill: str = "rijbewijs-{}"
) -> tuple[Requirement, ...]:
    """Split a requirement or CV line into typed :class:`Requirement` parts.

    Parameters
    ----------
    line : str
        One requirement, as typed.
    skills : Taxonomy
        The skill taxonomy (kind ``skill``) for what is left after the typed parts.
    cues : Cues
        Cue words (see :class:`Cues`).
    licence_skill : str
        Pattern of the skill id of a licence category (``rijbewijs-ce``).

    Returns
    -------
    tuple of Requirement
        In the order of :data:`KINDS`; empty for an empty line. Education and experience are
        never skills; a licence also names its skill id.
    """
    tokens = tokenize(line)
    if not tokens:
        return ()
    used = [False] * len(tokens)
    hard = _hard(tokens, cues, used)
    found: list[Requirement] = []
    found += _licences(line, tokens, cues, used, hard, licence_skill, skills)
    found += _languages(line, tokens, cues, used, hard)
    found += _education(line, tokens, cues, used, hard)
    experience, field_words = _experience(line, tokens, cues, used, hard)
    found += experience
    rest = [t for t, u in zip(tokens, used, strict=True) if not u]
    if rest and not field_words:
        accepted, unsure = _skills(line, rest, skills, cues, hard)
        found += accepted
        if unsure is not None and (not found or unsure.concept_id):
            found.append(unsure)  # offered as "Bedoel je ...?" for the person to confirm
    if not found:
        found.append(Requirement("other", line.strip(), hard=hard))
    return tuple(sorted(found, key=lambda r: KINDS.index(r.kind)))


def _mark(used: list[bool], start: int, end: int) -> None:
    for i in range(start, end):
        used[i] = True


def _hard(tokens: list[str], cues: Cues, used: list[bool]) -> bool | None:
    hits = cues.find(tokens, "hard")
    for start, end, _ in hits:
        _mark(used, start, end)
    values = {v for _, _, v in hits}
    return False if "false" in values else True if "true" in values else None


Hit = tuple[int, int, str]  # start, end (token positions) and the value of a cue


def _near(hits: list[Hit], position: int, *, after_only: bool = False) -> list[Hit]:
    lo = position if after_only else position - _WINDOW
    return [h for h in hits if lo <= h[0] <= position + _WINDOW]


def _licences(line: str, tokens: list[str], cues: Cues, used: list[bool], hard: bool | None,
              pattern: str, skills: Taxonomy) -> list[Requirement]:
    found = []
    categories = cues.find(tokens, "licence_category")
    for start, end, implied in cues.find(tokens, "licence"):
        _mark(used, start, end)
        near = [h for h in _near(categories, start) if not any(used[h[0]:h[1]])]
        values = [implied] if implied else []
        for c_start, c_end, value in near:
            _mark(used, c_start, c_end)
            values.append(value)
        for value in dict.fromkeys(values or [_DEFAULT_LICENCE]):
            skill_id = pattern.format(value.lower())
            concept = skills.get(skill_id)
            found.append(Requirement("licence", line.strip(), concept_id=skill_id if concept
                                     else None, label=concept.label if concept else None,
                                     value=value, hard=hard))
    return found


def _languages(line: str, tokens: list[str], cues: Cues, used: list[bool], hard: bool | None
               ) -> list[Requirement]:
    found = []
    context = cues.find(tokens, "language_context")
    levels = cues.find(tokens, "cefr")
    fluency = cues.find(tokens, "fluency")
    for start, end, language in cues.find(tokens, "language"):
        if any(used[start:end]):
            continue
        _mark(used, start, end)
        level = next((v for s, e, v in _near(levels, start) if not any(used[s:e])), None)
        if level is None:
            level = next((v for s, e, v in _near(fluency, start) if not any(used[s:e])), None)
        for s, e, _ in _near(levels, start) + _near(fluency, start) + _near(context, start):
            _mark(used, s, e)
        found.append(Requirement("language", line.strip(), value=language, level=level,
                                 hard=hard))
    return found


def _education(line: str, tokens: list[str], cues: Cues, used: list[bool], hard: bool | None
               ) -> list[Requirement]:
    found = []
    for start, end, value in cues.find(tokens, "education"):
        if any(used[start:end]):
            continue
        _mark(used, start, end)
        level = value
        if value == "mbo":
            digit = next((i for i in range(end, min(end + 3, len(tokens)))
                          if tokens[i] in {"1", "2", "3", "4"}), None)
            if digit is not None:
                _mark(used, end, digit + 1)  # "mbo niveau 3", "mbo-3"
                level = f"mbo-{tokens[digit]}"
            else:
                level = _DEFAULT_MBO
        words = [t for t, u in zip(tokens, used, strict=True) if not u]
        for i in range(len(tokens)):
            used[i] = True  # the rest of the line is the field of study, never a skill
        found.append(Requirement("education", line.strip(), value=level,
                                 label=" ".join(words) or None, hard=hard))
    return found


def _experience(line: str, tokens: list[str], cues: Cues, used: list[bool], hard: bool | None
                ) -> tuple[list[Requirement], list[str]]:
    hits = [h for h in cues.find(tokens, "experience") if not any(used[h[0]:h[1]])]
    if not hits:
        return [], []
    years = None
    numbers = {(t,): v for (t,), v in cues.table.get("number", {}).items()}
    for i, t in enumerate(tokens):
        value = t if t.isdigit() else numbers.get((t,))
        if value is not None and i + 1 < len(tokens) and tokens[i + 1] in _YEAR_WORDS:
            years = int(value)
            _mark(used, i, i + 2)
            break
    start, end, _ = hits[0]
    role = end < len(tokens) and tokens[end] in _ROLE_WORDS
    kind_word = tokens[start] == "werkervaring" or tokens[end - 1] != tokens[start]
    if years is None and not role and not kind_word:
        return [], []  # "ervaring met solderen" is a skill, said politely
    _mark(used, start, end + (1 if role else 0))
    field_words = [t for t, u in zip(tokens, used, strict=True) if not u] if role else []
    if role:
        used[:] = [True] * len(tokens)
    label = " ".join(field_words) or None
    return [Requirement("experience", line.strip(), years=years, label=label, hard=hard)], \
        field_words


def _skills(line: str, rest: list[str], skills: Taxonomy, cues: Cues, hard: bool | None
            ) -> tuple[list[Requirement], Requirement | None]:
    """The skills in what is left: the whole, else each part between "en", "of" and commas;
    and the unsure answer with its alternatives when none is sure."""
    whole = skills.recognise(" ".join(rest))
    if whole.accepted:
        return [_skill(line, whole.accepted, hard, skills)], None
    parts: list[list[str]] = []
    current: list[str] = []
    conjunctions = cues.table.get("conjunction", {})
    for t in rest:
        if (t,) in conjunctions:
            parts.append(current)
            current = []
        else:
            current.append(t)
    parts = [p for p in (*parts, current) if p]
    if len(parts) > 1:
        accepted = [r.accepted for r in (skills.recognise(" ".join(p)) for p in parts)]
        found = [_skill(line, a, hard, skills) for a in accepted if a]
        if found:
            return list({r.concept_id: r for r in found}.values()), None
    if not whole.suggestions:
        return [], None
    first = whole.suggestions[0]
    if first.confidence >= _PLAUSIBLE:
        guess = _skill(line, first, hard, skills)
        return [], replace(guess, sure=False, alternatives=whole.suggestions)
    return [], Requirement("skill", line.strip(), confidence=first.confidence, hard=hard,
                           alternatives=whole.suggestions, sure=False)


def _skill(line: str, suggestion: Suggestion, hard: bool | None, skills: Taxonomy) -> Requirement:
    concept = skills.get(suggestion.concept_id)
    kind = "certificate" if concept is not None and concept.group == CERTIFICATE else "skill"
    return Requirement(kind, line.strip(), concept_id=suggestion.concept_id,
                       label=suggestion.label, confidence=suggestion.confidence, hard=hard)
