"""cvm-xl: Customer Value Management between a supplier and its key customers, for Excel users.

The core (this package, minus ``macros``) is pure Python over pandas; nothing here imports Excel.
"""

from .evaluation import IdeaInputError, evaluate_idea, evaluate_ideas
from .files import UnreadableFileError
from .loader import load_master
from .master import Master
from .master_writer import write_master
from .passbook import Balances, balances, equity_gap, passbook_lines
from .problems import Problem, WorkbookError
from .settings import Settings, SettingsError
from .sharing import PricePremium, Split, price_premium, split
from .values import Zone, annuity, band, cell, net, outcome, value_over_horizon, zone
from .verdicts import Verdict, verdict

__version__ = "0.1.0"

__all__ = [
    "Balances",
    "IdeaInputError",
    "Master",
    "PricePremium",
    "Problem",
    "Settings",
    "SettingsError",
    "Split",
    "UnreadableFileError",
    "Verdict",
    "WorkbookError",
    "Zone",
    "annuity",
    "balances",
    "band",
    "cell",
    "equity_gap",
    "evaluate_idea",
    "evaluate_ideas",
    "load_master",
    "net",
    "outcome",
    "passbook_lines",
    "price_premium",
    "split",
    "value_over_horizon",
    "verdict",
    "write_master",
    "zone",
]
