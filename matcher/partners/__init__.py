"""Network partners: organisations that refer riders, their staff, and what they may see.

Public modules (``from matcher.partners import organisations``):

- ``organisations``: the office creates, changes and deactivates partner organisations.
- ``staff``: partner staff accounts: invitation, password login and reset, deactivation.
- ``follow_up``: what a partner's staff see of the riders their organisation referred.
"""

__all__ = [
    "organisations",
    "staff",
    "follow_up",
]
