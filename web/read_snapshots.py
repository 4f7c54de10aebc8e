"""The last reads of the form pages, kept so a form can be shown again while the database is down.

A submission that cannot be stored is answered with its own form again (``web.outages``);
drawing that form needs what the page read when it was last shown: the villages and
destinations of the selects, the rider behind a personal link, the need being changed.
The sessions of requests to a form view (an endpoint that takes POST) record every
SELECT's result here, keyed by the statement and its parameters, as detached copies;
a session in *replay* mode runs its SELECTs as usual and, only when the database cannot
be reached, answers one from the copy recorded for the same statement.

What is kept is bounded (entries and rows per result) and per process; a page read for
the first time during an outage has nothing to replay and its request gets the plain
503 page, with what was sent kept in it (``web.outages``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import FrozenResult
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session
from sqlalchemy.orm import loading

from matcher.db import database_unavailable

MAX_ENTRIES = 512
MAX_ROWS = 2000
"""A result larger than this is not kept (a form page's reads are small; a plan page's are not)."""

RECORD = "read_snapshots.record"
REPLAY = "read_snapshots.replay"


class ReadSnapshots:
    """A bounded, thread-safe LRU of frozen SELECT results, detached from any session."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_rows: int = MAX_ROWS) -> None:
        self.max_entries = max_entries
        self.max_rows = max_rows
        self._entries: OrderedDict[Hashable, FrozenResult[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, key: Hashable, frozen: FrozenResult[Any]) -> None:
        """Keep ``frozen`` under ``key``, dropping the least recently used beyond the bound."""
        with self._lock:
            self._entries[key] = frozen
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get(self, key: Hashable) -> FrozenResult[Any] | None:
        """The result kept under ``key``, if any."""
        with self._lock:
            frozen = self._entries.get(key)
            if frozen is not None:
                self._entries.move_to_end(key)
            return frozen


def attach(session: Session, snapshots: ReadSnapshots, *, replay: bool) -> None:
    """Make ``session`` record its SELECTs into ``snapshots``; with ``replay`` fall back on them."""
    session.info[RECORD] = snapshots
    session.info[REPLAY] = replay
    if not sa.event.contains(session, "do_orm_execute", _on_execute):
        sa.event.listen(session, "do_orm_execute", _on_execute)


def _on_execute(state: ORMExecuteState) -> Any:
    snapshots: ReadSnapshots | None = state.session.info.get(RECORD)
    if snapshots is None or not state.is_select:
        return None
    key = statement_key(state)
    try:
        result = state.invoke_statement()
    except sa.exc.SQLAlchemyError as error:
        if key is None or not state.session.info.get(REPLAY) or not database_unavailable(error):
            raise
        kept = snapshots.get(key)
        if kept is None:
            raise
        return loading.merge_frozen_result(state.session, state.statement, kept, load=False)()
    if key is None:
        return result
    frozen = result.freeze()
    if len(frozen.data) <= snapshots.max_rows:
        copy = _detached_copy(state, frozen)
        if copy is not None:
            snapshots.put(key, copy)
    return frozen()


def _detached_copy(state: ORMExecuteState, frozen: FrozenResult[Any]) -> FrozenResult[Any] | None:
    """``frozen`` with every ORM object replaced by a copy no session will change or expire.

    ``None`` if an object cannot be copied without the database (one changed and not
    flushed yet): that read is simply not kept.
    """
    scratch = Session()
    try:
        copy = loading.merge_frozen_result(scratch, state.statement, frozen, load=False)
        return copy().freeze()
    except sa.exc.InvalidRequestError:
        return None
    finally:
        scratch.close()


def statement_key(state: ORMExecuteState) -> Hashable | None:
    """The statement's structure and every parameter value; ``None`` when it cannot be keyed."""
    statement: Any = state.statement
    parameters = state.parameters or {}
    cache_key = statement._generate_cache_key()
    if cache_key is None or not isinstance(parameters, Mapping):
        return None
    # Anonymous parameters are named after object ids: their values are taken in the
    # statement's order, which its structure (the key) fixes.
    values = tuple(_hashable(bind.effective_value) for bind in cache_key.bindparams)
    given = tuple(sorted((k, _hashable(v)) for k, v in parameters.items()))
    key = (cache_key.key, values, given)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(item) for item in value)
    return value
