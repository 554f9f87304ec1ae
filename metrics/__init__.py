"""Pure metrics: travel, access, provision and inequality (no Streamlit, no DuckDB, no files)."""

from metrics import settings
from metrics.access import (
    FcaResult,
    gaussian,
    k_nearest,
    nearest,
    share_within,
    share_within_by,
    step_weights,
    supply_ratio,
    travel_time_min,
    two_step_fca,
    two_step_fca_arrays,
    two_step_fca_points,
)
from metrics.geo import EARTH_RADIUS_KM, haversine_km, nearest_km, pairs_within_km, to_unit_vectors
from metrics.inequality import (
    Decomposition,
    Estimate,
    best_and_worst,
    bootstrap_ci,
    coefficient_of_variation,
    difference,
    gini,
    index_of_disparity,
    mld,
    mld_decomposition,
    population_attributable_fraction,
    population_attributable_risk,
    ratio,
    relative_index_of_inequality,
    slope_index_of_inequality,
    summarise,
    theil,
    theil_decomposition,
)
from metrics.provision import (
    COUNTY_LEVEL_RULES,
    DEFAULT_COVERAGE_TYPES,
    Coverage,
    TargetComparison,
    allocate_to_units,
    compare_target,
    coverage_by_tier,
    provision_by_group,
    ratio_by_group,
)
from metrics.settings import SETTINGS, Setting, settings_markdown

__all__ = [
    "COUNTY_LEVEL_RULES", "DEFAULT_COVERAGE_TYPES", "EARTH_RADIUS_KM", "SETTINGS", "Coverage",
    "Decomposition", "Estimate", "FcaResult", "Setting", "TargetComparison", "allocate_to_units",
    "best_and_worst", "bootstrap_ci", "coefficient_of_variation", "compare_target",
    "coverage_by_tier", "difference", "gaussian", "gini", "haversine_km", "index_of_disparity",
    "k_nearest", "mld", "mld_decomposition", "nearest", "nearest_km", "pairs_within_km",
    "population_attributable_fraction", "population_attributable_risk", "provision_by_group",
    "ratio", "ratio_by_group", "relative_index_of_inequality", "settings", "settings_markdown",
    "share_within", "share_within_by", "slope_index_of_inequality", "step_weights", "summarise",
    "supply_ratio", "theil", "theil_decomposition", "to_unit_vectors", "travel_time_min",
    "two_step_fca", "two_step_fca_arrays", "two_step_fca_points",
]
