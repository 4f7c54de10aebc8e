"""Notifications: messages from translated templates, an outbox table, a sending worker.

Every message is written to ``outbox`` in the same transaction as the change
that caused it (``outbox.enqueue``, idempotent by key) and sent later by
``outbox.send_pending`` through a transport (SMTP, an SMS gateway). Domain
events that produce messages live in ``events``.
"""
