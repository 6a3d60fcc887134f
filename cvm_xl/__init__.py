"""cvm-xl: Customer Value Management between a supplier and its key customers, for Excel users.

The core (this package, minus ``macros``) is pure Python over pandas; nothing here imports Excel.
"""

from .evaluation import IdeaInputError, evaluate_idea, evaluate_ideas
from .passbook import Balances, balances, equity_gap, passbook_lines
from .settings import Settings, SettingsError
from .sharing import PricePremium, Split, price_premium, split
from .values import Zone, annuity, band, cell, net, outcome, value_over_horizon, zone
from .verdicts import Verdict, verdict

__version__ = "0.1.0"

__all__ = [
    "Balances",
    "IdeaInputError",
    "PricePremium",
    "Settings",
    "SettingsError",
    "Split",
    "Verdict",
    "Zone",
    "annuity",
    "balances",
    "band",
    "cell",
    "equity_gap",
    "evaluate_idea",
    "evaluate_ideas",
    "net",
    "outcome",
    "passbook_lines",
    "price_premium",
    "split",
    "value_over_horizon",
    "verdict",
    "zone",
]
