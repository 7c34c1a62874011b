"""Rasa's Redis ticket lock, atomic in Redis, with short leases that the holder renews.

Use in ``endpoints.yml`` (same settings as Rasa's ``type: redis``)::

    lock_store:
      type: stores.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      ...

Why not Rasa's ``RedisLockStore`` as it is:

* It keeps a conversation's tickets as one JSON value and changes it with GET, change in
  Python, SET. Two servers that take a message of the same conversation at the same moment
  can both read the old value, and both then handle the conversation at once.
* A ticket lives ``TICKET_LOCK_LIFETIME`` (60 s). When a server dies while it handles a
  message, the next message of that conversation waits for the dead server's ticket to
  expire: the user sees the bot hang for a minute (docs/betrieb.md, issue 16).
* A Redis restart or a short outage is a ``LockError`` for every message at that moment.

Here every step is one Lua script that Redis runs atomically (first come, first served;
expiry by Redis' clock). A ticket is a *lease* of ``LOCK_LEASE_SECONDS`` (2 s) that a thread
of the server renews every third of it while the message is waiting or being handled, so
a ticket of a dead server lapses within seconds, and a living server keeps its lock however
long the message takes. When Redis cannot be reached, a message waits for it up to
``OUTAGE_WAIT_SECONDS`` before it is a ``LockError``.

Redis without persistence forgets every ticket when it restarts. So that two servers never
handle one conversation at once even then, Redis holds an *epoch* (a random id, set when
missing). A server whose ticket belongs to an older epoch takes a new one at its next
renewal, ahead of all others if it was holding the lock; and for one lease after a new
epoch began, only such holders may hold a lock: every other message waits until the
servers had time to re-register.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncGenerator, Callable, List, Optional, Set, Text

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from common import settings

logger = logging.getLogger(__name__)

#: Seconds between two checks while another message of the conversation is handled.
POLL_S = 0.02
#: Seconds between two attempts while Redis cannot be reached.
RETRY_S = 0.2
#: Errors that mean "Redis is not reachable right now" (restart, network).
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.BusyLoadingError)

# KEYS: 1 tickets (sorted set: ticket -> place in the queue), 2 expiry (hash: ticket -> ms),
#       3 counter, 4 epoch, 5 settle (exists for one lease after a new epoch began).
# ARGV: 1 lease in ms, 2 a new epoch id (used when Redis has none).
_PRELUDE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
for _, t in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if tonumber(redis.call('HGET', KEYS[2], t) or '0') <= now_ms then
    redis.call('ZREM', KEYS[1], t)
    redis.call('HDEL', KEYS[2], t)
  end
end
local epoch = redis.call('GET', KEYS[4])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[4], epoch)
  redis.call('SET', KEYS[5], '1', 'PX', ARGV[1])
end
local function add(place)
  local t = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], place or t, t)
  redis.call('HSET', KEYS[2], t, now_ms + tonumber(ARGV[1]))
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  return t
end
local function state(t)
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if tonumber(first[1]) ~= t then return 0 end
  if tonumber(first[2]) > 0 and redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
  return 1
end
"""
#: Take a ticket. Returns {ticket, 1 if it holds the lock now else 0, epoch}.
ISSUE = _PRELUDE + """
local t = add(nil)
return {t, state(t), epoch}
"""
#: Renew ticket ARGV[3] of epoch ARGV[4]; ARGV[5] = '1' if it holds the lock.
#: Returns {ticket, 1 holds / 0 waits / -1 lapsed, epoch}; the ticket is new if the epoch changed.
STEP = _PRELUDE + """
if epoch ~= ARGV[4] then
  local t = add(ARGV[5] == '1' and 0 or nil)
  return {t, state(t), epoch}
end
local t = tonumber(ARGV[3])
if not redis.call('ZSCORE', KEYS[1], t) then return {t, -1, epoch} end
redis.call('HSET', KEYS[2], t, now_ms + tonumber(ARGV[1]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return {t, state(t), epoch}
"""
#: Give back ticket ARGV[1] of epoch ARGV[2]; the keys go when the last ticket is gone.
RELEASE = """
if redis.call('GET', KEYS[4]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


@dataclass(eq=False)
class Ticket:
    """This server's place in one conversation's queue."""

    conversation_id: Text
    keys: List[Text]
    number: int = 0
    epoch: Text = ""
    state: int = 0          #: 1 holds the lock, 0 waits, -1 lapsed
    guard: threading.Lock = field(default_factory=threading.Lock)  # event loop vs. renewing thread


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's ``RedisLockStore`` (connection, settings, key prefix) with atomic steps and renewed leases."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, *,
                 lease_seconds: Optional[float] = None, outage_wait_seconds: Optional[float] = None,
                 **kwargs: Any) -> None:
        if endpoint_config is not None:  # created by Rasa from endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        lease = settings.decimal("LOCK_LEASE_SECONDS") if lease_seconds is None else lease_seconds
        self.lease_ms = max(30, int(lease * 1000))
        self.outage_wait = (settings.decimal("OUTAGE_WAIT_SECONDS") if outage_wait_seconds is None
                            else outage_wait_seconds)
        self._issue = self.red.register_script(ISSUE)
        self._step = self.red.register_script(STEP)
        self._release = self.red.register_script(RELEASE)
        prefix = self.key_prefix.rstrip(":")
        self._meta = [f"{prefix}-meta:epoch", f"{prefix}-meta:settle"]
        self._tickets: Set[Ticket] = set()
        self._tickets_guard = threading.Lock()
        self._renewer: Optional[threading.Thread] = None

    def _keys(self, conversation_id: Text) -> List[Text]:
        base = f"{self.key_prefix}{conversation_id}"
        return [f"{base}:tickets", f"{base}:expiry", f"{base}:next", *self._meta]

    # --- one step each, atomic in Redis ---------------------------------------------------------

    def _take(self, ticket: Ticket) -> None:
        number, state, epoch = self._issue(keys=ticket.keys, args=[self.lease_ms, uuid.uuid4().hex])
        ticket.number, ticket.state, ticket.epoch = int(number), int(state), _text(epoch)

    def _renew(self, ticket: Ticket) -> None:
        """Extend the lease (or take a new ticket after Redis lost its data) and read the state."""
        with ticket.guard:
            if ticket.state < 0:
                return
            holding = ticket.state == 1
            number, state, epoch = self._step(
                keys=ticket.keys, args=[self.lease_ms, uuid.uuid4().hex, ticket.number, ticket.epoch,
                                        1 if holding else 0])
            if _text(epoch) != ticket.epoch:
                logger.warning("lock store: Redis lost its tickets (restart?); a %s message re-registered",
                               "running" if holding else "waiting")
            ticket.number, ticket.epoch = int(number), _text(epoch)
            ticket.state = 1 if holding and int(state) >= 0 else int(state)
            if holding and int(state) < 0:
                logger.error("lock store: a lease lapsed while its message was handled (the server did not "
                             "renew it for %.1f s)", self.lease_ms / 1000)

    def _give_back(self, ticket: Ticket) -> None:
        with ticket.guard:
            self._release(keys=ticket.keys, args=[ticket.number, ticket.epoch])

    async def _reach(self, step: Callable[[], None], what: Text) -> None:
        """Run ``step``; while Redis cannot be reached, try again every ``RETRY_S`` up to ``outage_wait``."""
        first_failure: Optional[float] = None
        while True:
            try:
                step()
                return
            except UNREACHABLE as error:
                now = time.monotonic()
                first_failure = first_failure or now
                if now - first_failure >= self.outage_wait:
                    raise LockError(f"Redis not reachable for {self.outage_wait:.0f} s while {what}: {error}") from error
                if now == first_failure:
                    logger.warning("lock store: Redis not reachable (%s); waiting up to %.0f s",
                                   type(error).__name__, self.outage_wait)
                await asyncio.sleep(RETRY_S)
            except redis.exceptions.RedisError as error:  # as Rasa: any other Redis error is a LockError
                raise LockError(f"Error while {what}. Error:\n{error}") from error

    # --- renewing thread ---------------------------------------------------------------------------

    def _start_renewing(self) -> None:
        if self._renewer is None or not self._renewer.is_alive():
            self._renewer = threading.Thread(target=self._renew_forever, name="lock-lease-renewal", daemon=True)
            self._renewer.start()

    def _renew_forever(self) -> None:
        """Renew every ticket of this server every third of the lease, whatever its event loop does."""
        unreachable = False
        while True:
            time.sleep(self.lease_ms / 3000)
            with self._tickets_guard:
                tickets = list(self._tickets)
            for ticket in tickets:
                try:
                    self._renew(ticket)
                    unreachable = False
                except redis.exceptions.RedisError as error:
                    if not unreachable:
                        logger.warning("lock store: cannot renew leases: %s", error)
                    unreachable = True
                except Exception:  # noqa: BLE001 - the thread must go on renewing
                    logger.exception("lock store: renewing a lease failed")

    # --- Rasa's interface ----------------------------------------------------------------------------

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock; wait (checking every ``POLL_S``) while others are before us.

        ``lock_lifetime`` (Rasa's TICKET_LOCK_LIFETIME) is not used: the lease is renewed instead.
        """
        ticket = Ticket(conversation_id, self._keys(conversation_id))
        await self._reach(lambda: self._take(ticket), "acquiring lock")
        with self._tickets_guard:
            self._tickets.add(ticket)
        self._start_renewing()
        try:
            while ticket.state != 1:
                if ticket.state < 0:
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                await asyncio.sleep(POLL_S)
                await self._reach(lambda: self._renew(ticket), "waiting for the lock")
            yield TicketLock(conversation_id)
        finally:
            with self._tickets_guard:
                self._tickets.discard(ticket)
            try:
                self._give_back(ticket)
            except redis.exceptions.RedisError as error:  # the lease lapses by itself
                logger.warning("lock store: could not give back a lock (it lapses by itself): %s", error)


def _text(value: Any) -> Text:
    return value.decode() if isinstance(value, bytes) else str(value)
