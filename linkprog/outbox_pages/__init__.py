"""The outbox's pages: the coordinators' outbox (``outbox:`` URLs) and its admin.

They live above the apps they compose: who may see the outbox and which emails (sign-in,
roles, ``Scope``) is ``accounts``' to say, and the outbox, a layer below, imports neither
``accounts`` nor anything above it. What rows exist and the actions on them stay in
``outbox`` (``outbox.selectors``, ``outbox.services``); the templates stay in
``templates/outbox/``."""
