"""Notifications: messages from translated templates, an outbox table, a sending worker.

Every message, e-mail or SMS, is rendered from ``templates/`` in the
recipient's language (the same ``messages.po`` catalogs as the pages) and
written to ``outbox`` by the one ``outbox.enqueue`` (idempotent by key), in the
same transaction as the change that caused it; ``matcher.jobs.outbox_sender`` sends it
later through a transport (SMTP, an SMS gateway). Events about plans live in
``events``, the welcome and login links in ``accounts``, time-driven reminders
in ``reminders``.

Public modules: ``outbox`` (the one enqueue, claiming, retries), ``messages``
(rendering), ``events`` (plans), ``accounts`` (welcome and login links),
``reminders`` (time-driven), ``transports`` (SMTP, SMS gateways).
"""

__all__ = [
    "outbox",
    "messages",
    "events",
    "accounts",
    "reminders",
    "transports",
]
