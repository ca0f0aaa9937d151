"""A batch's letter choices and a clinic's saved column names.

A `letter` value (the batch's, or a row's own cell) is a built-in kind or a template of the
library the batch's owner may use (by id, version id or name), recorded as the exact version.
"""

from __future__ import annotations

from ...access import Principal, scoped
from ...contract import MatchResult
from ...extensions import db
from ...intake.columns import normalize_label
from ..letter_library import resolve_template_for, visible_templates
from ...letters import LETTER_KINDS, default_kind
from ...models.batches import Batch, ColumnMapping

Choice = tuple[str | None, str | None, str | None]  # (kind, template_version_id, problem)


class LetterChooser:
    """Resolves `letter` values for one principal, once per distinct value."""

    def __init__(self, principal: Principal):
        self.principal = principal
        self.kinds = {normalize_label(k): k for k in LETTER_KINDS}
        self._cache: dict[str, Choice] = {}
        self._names: dict[str, str] | None = None

    def _template_names(self) -> dict[str, str]:
        """Normalized template name -> template id (names used twice are left out)."""
        if self._names is None:
            names: dict[str, str | None] = {}
            if self.principal.user_id is not None:
                for template in visible_templates(self.principal):
                    key = normalize_label(template.name)
                    names[key] = None if key in names else template.id
            self._names = {k: v for k, v in names.items() if v}
        return self._names

    def _unknown(self, value: str) -> str:
        return (f"unknown letter {value!r}: use one of {', '.join(sorted(self.kinds.values()))}, "
                "or the name or id of a template in your library")

    def resolve(self, value: str) -> Choice:
        """(kind, template_version_id, problem)."""
        if value in self._cache:
            return self._cache[value]
        key = normalize_label(value)
        if key in self.kinds:
            answer: Choice = (self.kinds[key], None, None)
        else:
            answer = (None, None, self._unknown(value))
            template_id = self._template_names().get(key, value.strip())
            try:
                version_id, _ = resolve_template_for(self.principal, template_id)
                answer = (None, version_id, None)
            except LookupError:
                pass
        self._cache[value] = answer
        return answer


def clinic_default_kind(result: MatchResult) -> str:
    """A batch is a clinic's: its letters speak in the clinician's voice, except a paperwork
    denial, which calls for a corrected request (never the patient's "Dear clinic team")."""
    kind = default_kind(result)
    return kind if kind == "correction" else "clinician"


def letter_for_row(batch: Batch, choice: str | None, result: MatchResult) -> tuple[str, str | None]:
    """(kind, template_version_id): the row's own letter, else the batch's, else the clinic's
    default for the outcome."""
    if choice:
        if choice in LETTER_KINDS:
            return choice, None
        return clinic_default_kind(result), choice
    if batch.template_version_id:
        return batch.kind or clinic_default_kind(result), batch.template_version_id
    return batch.kind or clinic_default_kind(result), None


def saved_mapping(principal: Principal) -> ColumnMapping | None:
    if principal.user_id is None:
        return None
    query = scoped(ColumnMapping, principal).order_by(
        ColumnMapping.organization_id.is_(None), ColumnMapping.updated_at.desc())
    return db.session.scalars(query.limit(1)).first()


def save_mapping(principal: Principal, mapping: dict[str, str]) -> ColumnMapping:
    record = saved_mapping(principal)
    if record is None:
        record = ColumnMapping(owner_id=principal.user_id, organization_id=principal.organization_id)
        db.session.add(record)
    record.mapping = {k.strip(): v for k, v in mapping.items() if k.strip()}
    db.session.commit()
    return record
