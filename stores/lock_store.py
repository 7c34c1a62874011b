"""Rasa's Redis ticket lock, with each step done atomically inside Redis.

Use in ``endpoints.yml`` (same settings as Rasa's ``type: redis``)::

    lock_store:
      type: stores.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      ...

Why not Rasa's ``RedisLockStore`` as it is: it keeps a conversation's tickets as one JSON
value and changes it with GET, change in Python, SET. Two servers that take a message of
the same conversation at the same moment can both read the old value, and one ticket
overwrites the other: both servers then handle the conversation at once, which the lock
is there to prevent. And each message costs seven Redis round trips, during which the
server's event loop waits (Rasa's Redis client blocks), and a message that has to wait
for another one of its conversation sleeps a whole second between checks.

Here the same ticket lock (first come, first served; a ticket expires after the lock
lifetime, so a crashed server cannot block a conversation) lives in Redis itself, and
every step is one Lua script that Redis runs atomically: one round trip to take a ticket
(and the lock, if nobody is before it), one to give it back, and a check every
``POLL_S`` while waiting. Expiry uses Redis' clock, so the servers' clocks do not matter.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, List, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

#: Seconds between two checks while another message of the conversation is handled.
POLL_S = 0.02

# KEYS: tickets (sorted set: ticket numbers), expiry (hash: ticket -> expiry in ms), counter.
# Expired tickets are removed first in every script; the lowest remaining ticket holds the lock.
_DROP_EXPIRED = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
for _, t in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local expiry = tonumber(redis.call('HGET', KEYS[2], t) or '0')
  if expiry <= now_ms then
    redis.call('ZREM', KEYS[1], t)
    redis.call('HDEL', KEYS[2], t)
  end
end
"""
#: ARGV[1]: lifetime in ms. Returns {ticket, 1 if it holds the lock now else 0}.
ISSUE = _DROP_EXPIRED + """
local ticket = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], ticket, ticket)
redis.call('HSET', KEYS[2], ticket, now_ms + tonumber(ARGV[1]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
local first = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
return {ticket, tonumber(first) == ticket and 1 or 0}
"""
#: ARGV[1]: ticket. Returns 1 if it holds the lock, 0 if it waits, -1 if it has expired.
CHECK = _DROP_EXPIRED + """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
local first = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if tonumber(first) == tonumber(ARGV[1]) then return 1 end
return 0
"""
#: ARGV[1]: ticket. Removes it; the keys go when the last ticket is gone.
RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's ``RedisLockStore`` (connection, settings, key prefix) with atomic ticket steps."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # created by Rasa from endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(ISSUE)
        self._check = self.red.register_script(CHECK)
        self._release = self.red.register_script(RELEASE)

    def _keys(self, conversation_id: Text) -> List[Text]:
        base = f"{self.key_prefix}{conversation_id}"
        return [f"{base}:tickets", f"{base}:expiry", f"{base}:next"]

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock; wait (checking every ``POLL_S``) while others are before us."""
        keys = self._keys(conversation_id)
        try:
            ticket, holds = (int(x) for x in self._issue(keys=keys, args=[max(1, int(lock_lifetime * 1000))]))
        except Exception as e:  # as Rasa: any Redis error is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        try:
            while not holds:
                await asyncio.sleep(min(POLL_S, wait_time_in_seconds))
                state = int(self._check(keys=keys, args=[ticket]))
                if state < 0:
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                holds = state == 1
            yield TicketLock(conversation_id)
        finally:
            self._release(keys=keys, args=[ticket])
