"""The admins registered above the apps they show (autodiscovered: linkprog is an app).

The outbox's admin decides who may see booking links (``accounts.roles``), which the
outbox itself may not import, so it is registered from here."""

from linkprog.outbox_pages import admin as outbox_admin

__all__ = ["outbox_admin"]
