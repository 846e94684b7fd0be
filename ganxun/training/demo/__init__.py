"""A year of training for the demo bureau: the three classrooms, who came, and the 学时 it earned.

``schedule`` plans the calendar from a fixed seed and the day of loading; ``loader`` writes it through
the services (see there for the few rows written as the services write them); ``reports`` adds the
outside classes and the self-reports.  ``load_demo`` calls ``load_training_year`` after the bureau.
"""

from .loader import Loader, TrainingYear, load_training_year
from .schedule import SEED, Plan, is_working_day, last_working_day, plan_year, window_months

__all__ = [
    "SEED",
    "Loader",
    "Plan",
    "TrainingYear",
    "is_working_day",
    "last_working_day",
    "load_training_year",
    "plan_year",
    "window_months",
]
