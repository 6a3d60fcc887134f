"""Relationship readiness (SPEC §3.9): whom to start CVM with, and keeping the relationship healthy.

- ``screening``: the four customer-selection prerequisites of the Tata Steel paper.
- ``lifecycle``: the eight BS 11000 stages with their checklists (declared once, in
  ``LIFECYCLE_STAGES``) and completion scores.
- ``maturity``: Attributes, Ability and Attitude rated A-D for both firms, and the verdict.
- ``objectives``: "mine, yours and ours".
- ``risks``: the joint risk register, ratings, levels and the 5x5 heat map.
- ``exits``: exit-strategy triggers and their reviews.
- ``issue_log``: the issue (dispute) log, escalation, overdue issues.
- ``out_of_bounds``: what never leaves the master.
- ``overview``: one row per customer for the internal Portfolio sheet.
- ``tables``: the master's relationship sheets, their columns and list values (read and checked
  by ``cvm_xl.master``, whose ``schema`` describes every table of the master).
"""

from cvm_xl.readiness.exits import empty_exit_triggers, exit_summary, review_due, review_exits
from cvm_xl.readiness.issue_log import days_open, flag_issues, is_overdue, issue_summary
from cvm_xl.readiness.lifecycle import (
    LIFECYCLE_STAGES,
    StageScore,
    checklist_for,
    checklist_rows,
    checklist_scores,
    current_stage,
    empty_lifecycle,
    overall_readiness,
    overall_score,
    read_entries,
    stage_scores,
)
from cvm_xl.readiness.maturity import (
    VERDICT_STEPS,
    MaturityVerdict,
    empty_maturity,
    maturity_help,
    maturity_verdict,
    maturity_verdicts,
    ratings_from_grid,
    ratings_of,
)
from cvm_xl.readiness.objectives import (
    ObjectivesCheck,
    empty_objectives,
    objectives_check,
    objectives_summary,
)
from cvm_xl.readiness.out_of_bounds import (
    exportable,
    is_out_of_bounds,
    out_of_bounds_ids,
    topics_for,
    without_out_of_bounds,
    without_references,
)
from cvm_xl.readiness.overview import relationship_overview
from cvm_xl.readiness.risks import (
    RiskRating,
    heat_counts,
    heat_map,
    level_grid,
    rate_risks,
    risk_level,
    risk_rating,
    risk_ratings,
    risk_summary,
)
from cvm_xl.readiness.screening import (
    PREREQUISITES,
    Screening,
    ScreeningLine,
    ScreeningThresholds,
    screen_customer,
    screen_customers,
    screening_lines,
)
from cvm_xl.readiness.tables import TABLES, TableColumns

__all__ = [
    "LIFECYCLE_STAGES",
    "PREREQUISITES",
    "TABLES",
    "VERDICT_STEPS",
    "MaturityVerdict",
    "ObjectivesCheck",
    "RiskRating",
    "Screening",
    "ScreeningLine",
    "ScreeningThresholds",
    "StageScore",
    "TableColumns",
    "checklist_for",
    "checklist_rows",
    "checklist_scores",
    "current_stage",
    "days_open",
    "empty_exit_triggers",
    "empty_lifecycle",
    "empty_maturity",
    "empty_objectives",
    "exit_summary",
    "exportable",
    "flag_issues",
    "heat_counts",
    "heat_map",
    "is_out_of_bounds",
    "is_overdue",
    "issue_summary",
    "level_grid",
    "maturity_help",
    "maturity_verdict",
    "maturity_verdicts",
    "objectives_check",
    "objectives_summary",
    "out_of_bounds_ids",
    "overall_readiness",
    "overall_score",
    "rate_risks",
    "ratings_from_grid",
    "ratings_of",
    "read_entries",
    "relationship_overview",
    "review_due",
    "review_exits",
    "risk_level",
    "risk_rating",
    "risk_ratings",
    "risk_summary",
    "screen_customer",
    "screen_customers",
    "screening_lines",
    "stage_scores",
    "topics_for",
    "without_out_of_bounds",
    "without_references",
]
