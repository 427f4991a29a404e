"""Intake steps 2 and 3: what the typed jobs and skills were recognised as, and the answers.

A row of these steps is the typed text and its fields (years, level) plus a reading (see
spt.services.recognition) that the draft keeps until the intake is finished.
"""

from sqlmodel import Session

from spt.services import recognition
from spt.services.reference import synonym_key

# Steps with typed texts to recognise: (kind, list in the step, text field of a row).
TYPED = {2: ("occupation", "jobs", "title"), 3: ("skill", "skills", "name")}


def read_step(db: Session, step: int, values: dict, saved: dict, action: dict | None,
              user_id: int | None) -> tuple[dict, bool]:
    """Recognise the typed texts of step 2 or 3 and apply the candidate's answer; whether the
    step must be shown again (something new was typed, or an answer was given)."""
    kind, list_key, text_key = TYPED[step]
    items, previous = values[list_key], saved.get(list_key, [])
    found = recognition.read_all(db, kind, [i[text_key] for i in items],
                                 recognition.decisions(kind, previous, text_key))
    rows = [{**item, **reading} for item, reading in zip(items, found, strict=True)]
    if action:
        _answer(db, kind, rows, text_key, action, user_id)
    known = {synonym_key(p.get(text_key) or "") for p in previous}
    return {**values, list_key: rows}, bool(action) or any(synonym_key(r[text_key]) not in known
                                                  for r in rows)


def _answer(db: Session, kind: str, rows: list[dict], text_key: str, action: dict,
            user_id: int | None) -> None:
    key = synonym_key(action["text"])
    row = next((r for r in rows if synonym_key(r[text_key]) == key), None)
    if row is None:
        return  # the text was changed in the same submit: it was read afresh
    row.update(recognition.answer(kind, row, op=action["op"], target=action.get("target"),
                                  by="candidate"))
    if action["op"] == "choose":
        recognition.learn(db, kind=kind, text=row[text_key], target=action["target"],
                          origin="candidate", user_id=user_id)


def readings(step: int, texts: list[str], saved: dict) -> list[dict | None]:
    """The saved reading of each typed text of a step's rows (None for an empty or new row)."""
    _kind, list_key, text_key = TYPED[step]
    by_text = {synonym_key(item.get(text_key) or ""): item for item in saved.get(list_key, [])
               if isinstance(item, dict)}
    return [by_text.get(synonym_key(text)) if text else None for text in texts]


def merge(data: dict, profile: dict) -> dict:
    """A draft with a finished profile's jobs and skills taken from the profile itself.

    Advisors fix and link, and completed modules add skills outside the intake: saving a step
    must keep those. The draft still lends its readings ("Bedoel je ...?") to the rows it agrees
    with.
    """
    merged = dict(data)
    for step, (kind, list_key, text_key) in TYPED.items():
        drafted = {synonym_key(d.get(text_key) or ""): d
                   for d in data.get(str(step), {}).get(list_key, []) if isinstance(d, dict)}
        id_key = recognition.KEYS[kind][0]
        rows = []
        for item in profile[str(step)][list_key]:
            earlier = drafted.get(synonym_key(item[text_key]))
            if earlier is not None and earlier.get(id_key) == item[id_key]:
                item = {**item, "state": earlier.get("state", item["state"]),
                        "suggestions": earlier.get("suggestions") or []}
            rows.append(item)
        merged[str(step)] = {**profile[str(step)], list_key: rows}
    return merged
