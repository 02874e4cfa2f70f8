"""Faults a test injects through the control API, and the request log.

A fault applies to the next `count` API requests whose path (with query)
contains `path` (every request when count is null), never to /healthz.
"""

import collections
import threading
import time

KINDS = ("error", "garbage", "garbage-raw", "hang", "reset", "slow")


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._log = collections.deque(maxlen=5000)

    def add(self, rule):
        kind = rule.get("type")
        if kind not in KINDS:
            raise ValueError(f"fault type must be one of {', '.join(KINDS)}")
        clean = {
            "type": kind,
            "count": None if rule.get("count") is None else int(rule["count"]),
            "path": str(rule.get("path", "")),
            "code": int(rule.get("code", 500)),
            "seconds": float(rule.get("seconds", 30)),
            "delay": float(rule.get("delay", 0.2)),
        }
        with self._lock:
            self._rules.append(clean)
        return clean

    def clear(self):
        with self._lock:
            self._rules.clear()

    def rules(self):
        with self._lock:
            return [dict(r) for r in self._rules]

    def take(self, path):
        """The fault for this request, if any, used up by one."""
        with self._lock:
            for rule in self._rules:
                if rule["path"] not in path:
                    continue
                if rule["count"] is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        self._rules.remove(rule)
                return dict(rule)
        return None

    def record(self, method, path, user, code):
        self._log.append({"time": time.time(), "method": method, "path": path,
                          "user": user, "code": code})

    def requests(self):
        return list(self._log)

    def clear_requests(self):
        self._log.clear()
