"""Accounts: who may sign in (argon2 password hashes) and personal API tokens with scopes.

Identity lives in conventional tables next to the events, not in the event stream; the
mentoring roles come from relationships (tracker.access), only `admin` from the account.
"""

from tracker.accounts.records import (
    Account,
    AccountError,
    AccountExists,
    IssuedToken,
    TokenInfo,
    UnknownAccount,
    Verified,
)
from tracker.accounts.service import ACCOUNTS_TABLE, TOKENS_TABLE, Accounts

__all__ = [
    "ACCOUNTS_TABLE",
    "TOKENS_TABLE",
    "Account",
    "AccountError",
    "AccountExists",
    "Accounts",
    "IssuedToken",
    "TokenInfo",
    "UnknownAccount",
    "Verified",
]
