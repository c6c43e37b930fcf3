"""What drives the experience: driver importance, rank correlation, moments of truth."""

from kokemus.insights.correlation import RankCorrelation, spearman
from kokemus.insights.drivers import (
    AnalysisWarning,
    DriverAnalysis,
    DriverDataError,
    DriverImportance,
    analyse_drivers,
)
from kokemus.insights.moments import (
    Moment,
    MomentsDataError,
    MomentsOfTruth,
    Thresholds,
    TouchpointFigures,
    classify_moments,
)

__all__ = [
    "AnalysisWarning",
    "DriverAnalysis",
    "DriverDataError",
    "DriverImportance",
    "Moment",
    "MomentsDataError",
    "MomentsOfTruth",
    "RankCorrelation",
    "Thresholds",
    "TouchpointFigures",
    "analyse_drivers",
    "classify_moments",
    "spearman",
]
