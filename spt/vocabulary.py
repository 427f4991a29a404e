"""Every stored code as a StrEnum, with its Dutch label per audience (English from the catalogue).

The database keeps the Dutch code strings; a member compares equal to its string, so rows,
forms and templates can use either. `matching/` keeps its own pure tuples (tests check they
are equal to these).
"""

from enum import StrEnum

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

# Who reads a label. "phrase" is how a code reads inside a sentence ("je zoekt een stage").
AUDIENCES = ("candidate", "employer", "advisor")
PHRASE = "phrase"


class Code(StrEnum):
    """A code stored as its Dutch string; its labels are registered with `_labels`."""

    def label(self, audience: str | None = None):
        """The label for this audience, else the shared one (a lazy string)."""
        variants = _LABELS[type(self)][self]
        return variants.get(audience) or variants[None]

    @classmethod
    def choices(cls, audience: str | None = None, *, only=None) -> list[tuple[str, object]]:
        """(code, label) pairs for a form, in declaration order or in the order of `only`."""
        return [(code.value, code.label(audience))
                for code in (cls if only is None else map(cls, only))]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The codes as plain strings, in declaration order."""
        return tuple(code.value for code in cls)


_LABELS: dict[type[Code], dict[Code, dict[str | None, object]]] = {}


def _labels(cls: type[Code], shared: dict, **per_audience: dict) -> None:
    """Register the shared label of every member and the audience variants that differ."""
    missing = set(cls) - set(shared)
    assert not missing, f"{cls.__name__} lacks a label for {missing}"
    _LABELS[cls] = {code: {None: shared[code]} for code in cls}
    for audience, labels in per_audience.items():
        assert audience in (*AUDIENCES, PHRASE), audience
        for code, text in labels.items():
            _LABELS[cls][code][audience] = text


class PlacementKind(Code):
    """What a placement is."""

    VACATURE = "vacature"
    WEP = "wep"
    BBL = "bbl"
    STAGE = "stage"
    PROEFPLAATSING = "proefplaatsing"


K = PlacementKind
_labels(K, {K.VACATURE: _l("Vacature"), K.WEP: _l("Werkervaringsplek (WEP)"),
            K.BBL: _l("BBL-leerbaan"), K.STAGE: _l("Stage (BOL)"),
            K.PROEFPLAATSING: _l("Proefplaatsing")},
        employer={K.VACATURE: _l("Vacature (een baan)"),
                  K.BBL: _l("BBL-leerbaan (leren en werken)")},
        candidate={K.VACATURE: _l("Een baan (vacature)"),
                   K.WEP: _l("Een werkervaringsplek (WEP)"),
                   K.BBL: _l("Leren en werken: BBL-leerbaan"), K.STAGE: _l("Een stage"),
                   K.PROEFPLAATSING: _l("Een proefplaatsing")},
        phrase={K.VACATURE: _l("een baan"), K.WEP: _l("een werkervaringsplek (WEP)"),
                K.BBL: _l("een BBL-leerbaan"), K.STAGE: _l("een stage"),
                K.PROEFPLAATSING: _l("een proefplaatsing")})


class PlacementStatus(Code):
    """Where a placement is in its life."""

    CONCEPT = "concept"
    OPEN = "open"
    GEPAUZEERD = "gepauzeerd"
    GESLOTEN = "gesloten"


S = PlacementStatus
_labels(S, {S.CONCEPT: _l("Concept"), S.OPEN: _l("Open"), S.GEPAUZEERD: _l("Gepauzeerd"),
            S.GESLOTEN: _l("Gesloten")},
        employer={S.CONCEPT: _l("Concept: nog niet zichtbaar voor adviseurs"),
                  S.OPEN: _l("Open: klaar om kandidaten voor te stellen")})


class Instrument(Code):
    """The instrument that supports a placement on loonwaarde."""

    GEEN = "geen"
    LOONKOSTENSUBSIDIE = "loonkostensubsidie"
    PROEFPLAATSING = "proefplaatsing"
    JOBCOACH = "jobcoach"


I = Instrument  # noqa: E741 - one letter like the other label tables
_labels(I, {I.GEEN: _l("Geen"), I.LOONKOSTENSUBSIDIE: _l("Loonkostensubsidie"),
            I.PROEFPLAATSING: _l("Proefplaatsing (met behoud van uitkering)"),
            I.JOBCOACH: _l("Jobcoach")})


class CandidateStatus(Code):
    """A candidate's place in the pipeline, with the side exits."""

    AANGEMELD = "aangemeld"
    INTAKE_AFGEROND = "intake_afgerond"
    ORIENTATIE = "orientatie"
    MATCHVOORSTEL = "matchvoorstel"
    VOORGESTELD = "voorgesteld"
    KENNISMAKING = "kennismaking"
    PROEFPLAATSING = "proefplaatsing"
    GEPLAATST = "geplaatst"
    NAZORG = "nazorg"
    DUURZAAM_GEPLAATST = "duurzaam_geplaatst"
    AFGEWEZEN = "afgewezen"
    UITGEVALLEN = "uitgevallen"
    ON_HOLD = "on_hold"


C = CandidateStatus
_labels(C, {C.AANGEMELD: _l("Aangemeld"), C.INTAKE_AFGEROND: _l("Intake afgerond"),
            C.ORIENTATIE: _l("Oriëntatie"), C.MATCHVOORSTEL: _l("Matchvoorstel"),
            C.VOORGESTELD: _l("Voorgesteld aan werkgever"), C.KENNISMAKING: _l("Kennismaking"),
            C.PROEFPLAATSING: _l("Proefplaatsing / WEP"), C.GEPLAATST: _l("Geplaatst"),
            C.NAZORG: _l("Nazorg"), C.DUURZAAM_GEPLAATST: _l("Duurzaam geplaatst"),
            C.AFGEWEZEN: _l("Afgewezen"), C.UITGEVALLEN: _l("Uitgevallen"),
            C.ON_HOLD: _l("On hold")})


class MatchStatus(Code):
    """A match's place in its pipeline."""

    BEREKEND = "berekend"
    MATCHVOORSTEL = "matchvoorstel"
    WACHT_OP_KANDIDAAT = "wacht_op_kandidaat"
    VOORGESTELD = "voorgesteld"
    KENNISMAKING = "kennismaking"
    PROEFPLAATSING = "proefplaatsing"
    GEPLAATST = "geplaatst"
    AFGEWEZEN = "afgewezen"
    UITGEVALLEN = "uitgevallen"
    ON_HOLD = "on_hold"


M = MatchStatus
_labels(M, {M.BEREKEND: _l("Berekend"), M.MATCHVOORSTEL: _l("Matchvoorstel"),
            M.WACHT_OP_KANDIDAAT: _l("Wacht op toestemming kandidaat"),
            M.VOORGESTELD: _l("Voorgesteld aan werkgever"), M.KENNISMAKING: _l("Kennismaking"),
            M.PROEFPLAATSING: _l("Proefplaatsing"), M.GEPLAATST: _l("Geplaatst"),
            M.AFGEWEZEN: _l("Afgewezen"), M.UITGEVALLEN: _l("Uitgevallen"),
            M.ON_HOLD: _l("On hold")})


class ContractKind(Code):
    """The agreement a placed candidate signs."""

    ARBEIDSCONTRACT = "arbeidscontract"
    BBL_PRAKTIJKOVEREENKOMST = "bbl-praktijkovereenkomst"
    STAGEOVEREENKOMST = "stageovereenkomst"


_labels(ContractKind, {ContractKind.ARBEIDSCONTRACT: _l("Arbeidscontract"),
                       ContractKind.BBL_PRAKTIJKOVEREENKOMST: _l("BBL-praktijkovereenkomst"),
                       ContractKind.STAGEOVEREENKOMST: _l("Stageovereenkomst")})


class RoundStatus(Code):
    """Where a match round's background job is."""

    WACHTEND = "wachtend"
    BEZIG = "bezig"
    KLAAR = "klaar"
    FOUT = "fout"


R = RoundStatus
_labels(R, {R.WACHTEND: _l("Wacht op zijn beurt"), R.BEZIG: _l("Wordt berekend"),
            R.KLAAR: _l("Klaar"), R.FOUT: _l("Mislukt")})


class EnrolmentStatus(Code):
    """How an attempt at a module stands."""

    GESTART = "gestart"
    AFGEROND = "afgerond"
    GESTOPT = "gestopt"


_labels(EnrolmentStatus, {EnrolmentStatus.GESTART: _l("Gestart"),
                          EnrolmentStatus.AFGEROND: _l("Afgerond"),
                          EnrolmentStatus.GESTOPT: _l("Gestopt")})


class EducationLevel(Code):
    """An education level, mbo 1 to master, in rising order."""

    MBO_1 = "mbo-1"
    MBO_2 = "mbo-2"
    MBO_3 = "mbo-3"
    MBO_4 = "mbo-4"
    AD = "ad"
    BACHELOR = "bachelor"
    MASTER = "master"


E = EducationLevel
_labels(E, {E.MBO_1: _l("mbo niveau 1 (entree)"), E.MBO_2: _l("mbo niveau 2"),
            E.MBO_3: _l("mbo niveau 3"), E.MBO_4: _l("mbo niveau 4"),
            E.AD: _l("Associate degree (hbo)"), E.BACHELOR: _l("Bachelor"),
            E.MASTER: _l("Master")},
        candidate={E.BACHELOR: _l("Bachelor (hbo of wo)")})


class Nt2Level(Code):
    """A CEFR language level, A1 to C2, in rising order."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


# The CEFR names are the label in every language.
_labels(Nt2Level, {code: code.value for code in Nt2Level})


class Theme(Code):
    """A sector of the energy transition."""

    BOUW = "bouw"
    INSTALLATIE = "installatie"
    ENERGIE = "energie"
    MOBILITEIT = "mobiliteit"
    ICT = "ict"


T = Theme
_labels(T, {T.BOUW: _l("Bouw en infra (GWW)"), T.INSTALLATIE: _l("Installatietechniek"),
            T.ENERGIE: _l("Energie (zon, wind, warmte, laadpalen)"),
            T.MOBILITEIT: _l("Mobiliteit (auto, fiets, e-mobility)"), T.ICT: _l("ICT")},
        phrase={T.BOUW: _l("bouw en infra"), T.INSTALLATIE: _l("installatietechniek"),
                T.ENERGIE: _l("energie"), T.MOBILITEIT: _l("mobiliteit"), T.ICT: _l("ICT")})


class Credential(Code):
    """What completing a module yields."""

    MBO_CERTIFICAAT = "mbo-certificaat"
    MBO_VERKLARING = "mbo-verklaring"
    KEUZEDEEL = "keuzedeel"
    MICROCREDENTIAL = "microcredential"
    BRANCHECERTIFICAAT = "branchecertificaat"
    PRAKTIJKVERKLARING = "praktijkverklaring"
    GEEN = "geen"


D = Credential
_labels(D, {D.MBO_CERTIFICAAT: _l("mbo-certificaat"), D.MBO_VERKLARING: _l("mbo-verklaring"),
            D.KEUZEDEEL: _l("keuzedeel"), D.MICROCREDENTIAL: _l("microcredential"),
            D.BRANCHECERTIFICAAT: _l("branchecertificaat"),
            D.PRAKTIJKVERKLARING: _l("praktijkverklaring"),
            D.GEEN: _l("geen")})


class CivilValue(Code):
    """How formally a module's result is recognised (civiele waarde)."""

    WETTELIJK = "wettelijk erkend"
    LANDELIJK = "landelijk erkend"
    INSTELLING = "instellingsgebonden"
    GEEN = "geen"


V = CivilValue
_labels(V, {V.WETTELIJK: _l("wettelijk erkend"), V.LANDELIJK: _l("landelijk erkend"),
            V.INSTELLING: _l("instellingsgebonden"), V.GEEN: _l("geen")})


class SkillKind(Code):
    """What sort of thing a skill of the catalogue is."""

    VAARDIGHEID = "vaardigheid"
    KENNIS = "kennis"
    CERTIFICAAT = "certificaat"
    TRANSVERSAAL = "transversaal"


_labels(SkillKind, {SkillKind.VAARDIGHEID: _l("Vaardigheid"), SkillKind.KENNIS: _l("Kennis"),
                    SkillKind.CERTIFICAAT: _l("Certificaat"),
                    SkillKind.TRANSVERSAAL: _l("Overdraagbare vaardigheid")})


class MappedBy(Code):
    """Who decided what a typed text means."""

    MATCHER = "matcher"
    CANDIDATE = "candidate"
    EMPLOYER = "employer"
    ADVISOR = "advisor"


_labels(MappedBy, {MappedBy.MATCHER: _l("herkenner"), MappedBy.CANDIDATE: _l("kandidaat"),
                   MappedBy.EMPLOYER: _l("werkgever"), MappedBy.ADVISOR: _l("adviseur")})

del K, S, I, C, M, R, E, T, D, V

# Answers that only the intake form knows; the profile stores them as a level or as nothing.
NATIVE_SPEAKER = "moedertaal"  # stored as Nt2Level.C2
NO_DIPLOMA = "geen"  # stored as no level

# The names templates use: {{ code|label('kind') }}.
VOCABULARIES: dict[str, type[Code]] = {
    "kind": PlacementKind, "placement_status": PlacementStatus, "instrument": Instrument,
    "candidate_status": CandidateStatus, "match_status": MatchStatus,
    "contract_kind": ContractKind, "round_status": RoundStatus,
    "enrolment_status": EnrolmentStatus, "level": EducationLevel, "nt2": Nt2Level,
    "theme": Theme, "credential": Credential, "civil_value": CivilValue,
    "skill_kind": SkillKind, "mapped_by": MappedBy,
}


def label(code, vocabulary: str | None = None, audience: str | None = None):
    """The label of a code (a member, or a plain string with its vocabulary's name).

    An unknown code comes back as it is, so a page never breaks on an old row; the page
    tests catch raw codes that reach the screen.
    """
    if code is None or code == "":
        return ""
    if isinstance(code, Code) and vocabulary is None:
        return code.label(audience)
    cls = VOCABULARIES[vocabulary] if vocabulary else None
    try:
        return cls(code).label(audience) if cls else str(code)
    except ValueError:
        return str(code)


def labels(codes, vocabulary: str, audience: str | None = None) -> list:
    """The labels of several codes, in their order."""
    return [label(code, vocabulary, audience) for code in codes or ()]


# Which audience a page speaks to, from its blueprint's name ("employer_recognition": employer).
_BLUEPRINT_AUDIENCE = (("employer", "employer"), ("advisor", "advisor"), ("admin", "advisor"),
                       ("catalogue", "advisor"), ("audit", "advisor"))


def page_audience() -> str:
    """The audience of the page being rendered; candidate pages and public pages by default."""
    blueprint = (request.blueprint or "") if has_request_context() else ""
    for prefix, audience in _BLUEPRINT_AUDIENCE:
        if blueprint.startswith(prefix):
            return audience
    return "candidate"


def label_filter(code, vocabulary: str | None = None, audience: str | None = None) -> str:
    """Jinja: {{ status|label('match_status') }}, for the audience of the page."""
    return str(label(code, vocabulary, audience or page_audience()))


def labels_filter(codes, vocabulary: str, audience: str | None = None,
                  separator: str = ", ") -> str:
    """Jinja: {{ candidate.kinds|labels('kind') }}, joined with commas."""
    return separator.join(str(text) for text in labels(codes, vocabulary,
                                                       audience or page_audience()))
