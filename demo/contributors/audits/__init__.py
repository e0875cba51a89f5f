"""The demo's engagements of every kind in a spread of states, with their teams (H9).

Everything goes through the services, by the body's administrator (the planner) and the people themselves (their
per-engagement declarations, reviewed by the administrator), so every team that is confirmed passed every gate:

- Nordic Carbon Verification: a GHG verification of a Reykjanes Geothermal Power project in fieldwork (the
  freelance lead auditor's expired annual declaration overridden by the administrator for it, with a written
  justification; Helga auditor), a GHG validation of the Latvian afforestation project with its team confirmed
  (Gunnar), a draft verification of the next period, and a cancelled one; a validation and verification of an
  Austfirðir Aluminium project whose report is under independent review (Einar; Gunnar led it on days his
  annual declaration on the register does not cover, allowed by the administrator in writing); a methodology
  assessment for the carbon consultancy with its team proposed; and a product evaluation (an ISO 14068-1
  carbon-neutrality claim of Reykjanes' electricity, under the body's ISO/IEC 17029 scope) planned;
- Baltic Management Systems Certification: a stage 1 audit of Kauno Aliuminio Profiliai with its report drafted,
  the stage 2 that follows it planned with its team proposed, a surveillance audit of a multi-site client with
  the IAF MD 1 sample and the IAF MD 5 audit time stored, and a recertification of a district-heating company,
  both teams confirmed with Kadri Kask leading on overlapping days (the clash the planner's calendar shows: no
  gate refuses a person booked twice); a transfer audit planned and a special audit (a scope extension) drafted.

Past fieldwork has its actual dates recorded by the planner (the planned ones), so the calendar shows it where it
happened. A step a gate refuses leaves its engagement where it was (the demo still loads, and shows it).
"""

from __future__ import annotations

from ...registry import Contributor, DemoContext, register
from .baltic import load_baltic
from .nordic import load_nordic


def load(context: DemoContext) -> None:
    load_nordic(context.today)
    load_baltic(context.today)


register(Contributor(key="audits", order=60, load=load))
