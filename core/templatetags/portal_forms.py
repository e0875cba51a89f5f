"""How portal forms mark required fields: crispy's asterisk on each required field's label (every field
rendered with `|crispy` or `|as_crispy_field`), and the mark explained once per form by `{% required_note form %}`
(put in `templates/bootstrap5/uni_form.html` for `|crispy` forms, and once in each form drawn field by field)."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


def has_required_field(form: forms.BaseForm | None) -> bool:
    """Whether a person must fill in any field the form shows."""
    if form is None or not hasattr(form, "visible_fields"):
        return False
    return any(field.field.required for field in form.visible_fields())


@register.inclusion_tag("portal/partials/_required_note.html")
def required_note(form: forms.BaseForm | None) -> dict[str, Any]:
    """The line "* Required field", once for a form with a required field (nothing otherwise)."""
    return {
        "show": has_required_field(form),
        "note_id": f"{getattr(form, 'prefix', None) or 'form'}-required-note",
    }
