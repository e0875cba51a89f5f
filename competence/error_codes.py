"""Stable error codes of the competence app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class CompetenceErrorCode(ErrorCode):
    #: the role needs no competence record (committee roles)
    ROLE_WITHOUT_COMPETENCE = "role_without_competence"
    #: a competence names at least one basis
    BASIS_REQUIRED = "basis_required"
    #: a basis that does not exist
    UNKNOWN_BASIS = "unknown_basis"
    #: the sector is not from the list that classifies the standard
    SECTOR_SCHEME_MISMATCH = "sector_scheme_mismatch"
    #: the person already has a record for this standard, sector and role
    DUPLICATE_RECORD = "duplicate_record"
    #: nobody evaluates their own competence (ISO/IEC 17021-1 7.2.4), witnesses or evaluates themselves
    SELF_EVALUATION = "self_evaluation"
    #: the evaluator is an active member of the body (or registry staff)
    EVALUATOR_NOT_MEMBER = "evaluator_not_member"
    #: a competence cannot end before it was evaluated
    ENDS_BEFORE_EVALUATION = "ends_before_evaluation"
    #: training hours are more than zero
    HOURS_NOT_POSITIVE = "hours_not_positive"
    #: the next periodic evaluation comes after this one
    NEXT_EVALUATION_TOO_EARLY = "next_evaluation_too_early"
