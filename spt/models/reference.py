"""Reference data: occupations, skills, LLO modules and career paths."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ._base import created_at, json_list, moment


class Occupation(SQLModel, table=True):
    """An ESCO occupation, or a curated SPT one (`spt:` uri) that maps to its closest ESCO ones."""

    id: int | None = Field(default=None, primary_key=True)
    uri: str = Field(max_length=200, unique=True, index=True)
    isco_group: str = Field(default="", max_length=4, index=True)
    code: str = Field(default="", max_length=40)
    preferred_label: str = Field(max_length=300)
    alt_labels: list[str] = json_list()
    # spellings to catch, never a name for the occupation (ESCO's hiddenLabels)
    hidden_labels: list[str] = json_list()
    english_labels: list[str] = json_list()
    source: str = Field(default="esco", max_length=10)  # esco | spt
    level: str | None = Field(default=None, max_length=10)  # a curated occupation's entry level
    maps_to: list[str] = json_list()  # a curated occupation's closest ESCO occupations
    retired_at: datetime | None = moment()


class Skill(SQLModel, table=True):
    """A skill, knowledge item or certificate of the curated techniek list."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True, index=True)
    label: str = Field(max_length=200)
    kind: str = Field(default="vaardigheid", max_length=20)
    themes: list[str] = json_list()
    synonyms: list[str] = json_list()
    esco_uris: list[str] = json_list()
    retired_at: datetime | None = moment()


class SkillOccupation(SQLModel, table=True):
    """Where a skill is essential or optional for an occupation."""

    skill_id: int = Field(foreign_key="skill.id", primary_key=True)
    occupation_id: int = Field(foreign_key="occupation.id", primary_key=True, index=True)
    relation: str = Field(max_length=10)


class Module(SQLModel, table=True):
    """An LLO module (training) and what it yields."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True, index=True)
    title: str = Field(max_length=200)
    provider: str = Field(max_length=200)
    credential: str = Field(max_length=40)
    civil_value: str = Field(max_length=40)
    level: str | None = Field(default=None, max_length=10)
    weeks: int
    hours_per_week: int
    cost_eur: int = 0
    location: str = Field(default="", max_length=100)
    online: bool = False
    start_moments: list[str] = json_list()
    min_nt2: str | None = Field(default=None, max_length=2)
    min_level: str | None = Field(default=None, max_length=10)
    # a language module: the NT2 level it brings a learner to (it closes an NT2 gap)
    nt2_to: str | None = Field(default=None, max_length=2)
    themes: list[str] = json_list()
    status: str = Field(default="actief", max_length=20)
    description: str = ""
    retired_at: datetime | None = moment()


class ModuleSkill(SQLModel, table=True):
    """A skill that a module teaches."""

    module_id: int = Field(foreign_key="module.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True, index=True)


class CareerPath(SQLModel, table=True):
    """A loopbaanpad: a route to a target occupation."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True, index=True)
    title: str = Field(max_length=200)
    theme: str = Field(max_length=20)
    description: str = ""
    levels: list[str] = json_list()
    entry_profiles: list[str] = json_list()
    target_occupation_uris: list[str] = json_list()
    required_skill_slugs: list[str] = json_list()
    retired_at: datetime | None = moment()


class CareerPathStep(SQLModel, table=True):
    """One ordered step of a career path."""

    __table_args__ = (UniqueConstraint("career_path_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    career_path_id: int = Field(foreign_key="careerpath.id", index=True)
    position: int
    kind: str = Field(max_length=20)  # orientation | module | placement | job
    title: str = Field(max_length=200)
    module_id: int | None = Field(default=None, foreign_key="module.id")
    placement_kinds: list[str] = json_list()


class RecognitionSynonym(SQLModel, table=True):
    """A text that names an occupation or a skill: shipped, or learned from a person's choice.

    Shipped synonyms and advisors' corrections count at once; a candidate's or an employer's
    choice waits for an admin (status ``proposed``). Every new one is listed for review.
    """

    __table_args__ = (UniqueConstraint("kind", "key", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # occupation | skill
    text: str = Field(max_length=200)
    key: str = Field(max_length=200, index=True)  # the text folded, to find it again
    target: str = Field(max_length=200)  # an occupation uri or a skill slug
    status: str = Field(default="proposed", max_length=10)  # approved | proposed | rejected
    # shipped | advisor | candidate | employer
    origin: str = Field(default="shipped", max_length=10)
    source: str = Field(default="", max_length=300)
    confirmations: int = 1
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at()
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = moment()


class CatalogueVersion(SQLModel, table=True):
    """A new random token on every catalogue change, so each worker process rebuilds its copy."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(default="", max_length=32)
