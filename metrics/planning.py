"""The computations of the four planning pages (规划), one module per tool:

* :mod:`metrics.planning_subcentre` — 卫生次中心选址: instance, eligible centres, coverage,
  solve (five models), next-best proposal, residents served and load per bed per place,
  hospitals at one place, site roles;
* :mod:`metrics.planning_consortia` — 医共体分区: township centres, lead hospitals,
  instance, solve, comparison of groupings;
* :mod:`metrics.planning_boarding` — 寄宿制学校: school tables, the boarding outcome,
  boarders per village, school roles;
* :mod:`metrics.planning_scenarios` — 情景对比: the editable table, a new facility, what
  changed, the indicators before and after.

Every travel time comes from :mod:`metrics.travel`. Pure: no Streamlit, no database, no
files; inputs are never modified. ``ui.planning`` only caches these and draws them.
"""

from metrics.planning_boarding import (
    SCHOOL_ROLES,
    SCHOOL_TYPES,
    BoardingOutcome,
    boarders_per_unit,
    boarding_outcome,
    school_roles,
    school_tables,
)
from metrics.planning_consortia import (
    COMPARISON_MEASURES,
    LEAD_TYPES,
    ConsortiaSolution,
    TownshipInstance,
    compare_groupings,
    lead_candidates,
    solve_consortia,
    township_centres,
    township_instance,
)
from metrics.planning_scenarios import (
    CHANGE_ROLES,
    change_roles,
    editor_frame,
    indicator_comparison,
    new_facility,
    scenario_indicators,
)
from metrics.planning_subcentre import (
    CANDIDATE_TYPES,
    ELIGIBILITY,
    ELIGIBLE_DEFAULT,
    ELIGIBLE_TYPES_DEFAULT,
    HOSPITAL_TYPES,
    LOAD_FLAG_RATIO,
    MODELS,
    REQUIRED_TYPES,
    SAME_PLACE_M,
    SITE_ROLES,
    Eligibility,
    NextBest,
    SubcentreInstance,
    SubcentreSolution,
    bed_capacities,
    beyond_reach,
    county_load,
    cover_limit_min,
    coverage,
    eligible_columns,
    model_value,
    nearest_open_min,
    next_best,
    no_road,
    same_place_groups,
    site_roles,
    solve_subcentre,
    subcentre_assignment,
    subcentre_instance,
)

__all__ = [
    "CANDIDATE_TYPES", "CHANGE_ROLES", "COMPARISON_MEASURES", "ELIGIBILITY",
    "ELIGIBLE_DEFAULT", "ELIGIBLE_TYPES_DEFAULT", "HOSPITAL_TYPES", "LEAD_TYPES",
    "LOAD_FLAG_RATIO", "MODELS", "REQUIRED_TYPES", "SAME_PLACE_M", "SCHOOL_ROLES",
    "SCHOOL_TYPES", "SITE_ROLES", "BoardingOutcome", "ConsortiaSolution", "Eligibility",
    "NextBest", "SubcentreInstance", "SubcentreSolution", "TownshipInstance", "bed_capacities",
    "beyond_reach", "boarders_per_unit", "boarding_outcome", "change_roles",
    "compare_groupings", "county_load", "cover_limit_min", "coverage", "editor_frame",
    "eligible_columns", "indicator_comparison", "lead_candidates", "model_value",
    "nearest_open_min", "new_facility", "next_best", "no_road", "same_place_groups",
    "scenario_indicators", "school_roles", "school_tables", "site_roles", "solve_consortia",
    "solve_subcentre", "subcentre_assignment", "subcentre_instance", "township_centres",
    "township_instance",
]
