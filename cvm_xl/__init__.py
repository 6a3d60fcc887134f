"""cvm-xl: Customer Value Management between a supplier and its key customers, for Excel users.

The Python interface of SPEC §5, re-exported from the layers below (see the README's developer
section): the rules of ``cvm_xl.core`` and reading and writing a master (``cvm_xl.master``).

``evaluate_ideas`` judges the ideas of a table that share a Customer ID and a ``Bundle`` ID as one
bundle (issue 15, ``cvm_xl.core.bundles``); ``evaluate_idea`` judges one idea alone.
"""

from cvm_xl.core.evaluation import IdeaInputError, evaluate_idea, evaluate_ideas
from cvm_xl.core.passbook import Balances, balances, equity_gap, passbook_lines
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.core.settings import Settings, SettingsError
from cvm_xl.core.sharing import PricePremium, Split, price_premium, split
from cvm_xl.core.values import Zone, annuity, band, cell, net, outcome, value_over_horizon, zone
from cvm_xl.core.verdicts import Verdict, verdict
from cvm_xl.master.model import Master
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.spreadsheet.files import UnreadableFileError

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
