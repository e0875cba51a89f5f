"""What the competence API's schema declarations share: the tags and the descriptions of who may."""

PEOPLE = ["people"]
COMPETENCE = ["competence"]

NESTED_READ = (
    "The body's competence managers, registry staff and the person themselves, and every active member when "
    "the body opened its people's records to them (`/bodies/{bodyId}/people-records-policy/`); otherwise "
    "colleagues get 403, other bodies 404."
)
NESTED_WRITE = "Needs the body's `manage_competence` permission."
RECORD_WRITE = "Needs the body's `manage_competence` permission."
EVALUATOR = "The evaluator (the caller) is never the person (ISO/IEC 17021-1 7.2.4)."
