"""The object store: one global resourceVersion, an event history window,
and consistent list snapshots at any resourceVersion still in the window.

Every write takes the next resourceVersion and appends exactly one event, so
the event for resourceVersion r sits at index r - first_rv of the history.
Stored objects are never mutated; a write stores a new one. That lets a list
snapshot, a watch and a write share objects without copying.
"""

import base64
import bisect
import collections
import copy
import json
import threading
import time
import uuid

from errors import ApiError, expired, not_found
from resources import BY_API_VERSION_AND_KIND, BY_KIND

_SNAPSHOT_CACHE = 8  # sorted snapshots kept for paginated lists


class Stored:
    """One object version, with its two JSON encodings made once."""
    __slots__ = ("obj", "_full", "_item")

    def __init__(self, obj):
        self.obj = obj
        self._full = None
        self._item = None

    def full_json(self):
        # Watch events and single GETs carry kind and apiVersion.
        if self._full is None:
            self._full = json.dumps(self.obj, separators=(",", ":")).encode()
        return self._full

    def item_json(self):
        # List items do not: the list's own kind says what they are.
        if self._item is None:
            item = {k: v for k, v in self.obj.items()
                    if k not in ("kind", "apiVersion")}
            self._item = json.dumps(item, separators=(",", ":")).encode()
        return self._item


Event = collections.namedtuple("Event", "rv type plural key stored prev")


def object_key(namespace, name):
    return f"{namespace}/{name}" if namespace else name


_clock = [0, ""]   # (second, its RFC 3339 text): bulk loads stamp 50,000 objects


def _now():
    second = int(time.time())
    if second != _clock[0]:
        _clock[0], _clock[1] = second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
    return _clock[1]


def resource_of(obj):
    kind = obj.get("kind", "")
    resource = BY_API_VERSION_AND_KIND.get((obj.get("apiVersion", ""), kind))
    if resource is None:
        resource = BY_KIND.get(kind)
    if resource is None:
        raise ApiError(400, "BadRequest",
                       f"no kind \"{kind}\" is registered for version "
                       f"\"{obj.get('apiVersion', '')}\"")
    return resource


class Store:
    def __init__(self, history_limit, initial_rv=0):
        self.cond = threading.Condition()
        # A restarted kube-apiserver keeps its resourceVersions in etcd: a
        # test server that stands in for one starts past the old one's, with
        # everything before compacted (a watch from an old RV gets 410).
        self.rv = initial_rv
        self.compacted_rv = initial_rv  # watches from below this get 410 Expired
        self.history_limit = history_limit
        self._events = []          # events for rv compacted_rv+1 .. rv
        self._objects = collections.defaultdict(dict)   # plural -> key -> Stored
        self._snapshots = collections.OrderedDict()     # (plural, rv) -> (keys, values)
        self.watch_generation = 0  # bumped to end every open watch
        self.abrupt_close = False
        self.open_watches = 0

    def watch_opened(self):
        with self.cond:
            self.open_watches += 1

    def watch_closed(self):
        with self.cond:
            self.open_watches -= 1

    # ---- writes -----------------------------------------------------------
    def _write(self, resource, event_type, key, obj):
        """Caller holds the lock. obj is a fresh dict owned by the store."""
        self.rv += 1
        obj["metadata"]["resourceVersion"] = str(self.rv)
        stored = Stored(obj)
        table = self._objects[resource.plural]
        prev = table.get(key)
        if event_type == "DELETED":
            del table[key]
        else:
            table[key] = stored
        self._events.append(
            Event(self.rv, event_type, resource.plural, key, stored, prev))
        if len(self._events) > self.history_limit:
            self._compact_locked(self._events[len(self._events) // 10].rv)
        self.cond.notify_all()
        return stored

    def _prepare_new(self, resource, obj, namespace, via_api):
        # The caller's dict (freshly parsed JSON) becomes the store's; only
        # the metadata is copied, since the store writes into it.
        obj = _typed(resource, obj)
        meta = obj["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
        if not meta.get("name"):
            raise ApiError(422, "Invalid",
                           f"{resource.kind} \"\" is invalid: metadata.name: "
                           "Required value: name or generateName is required")
        if resource.namespaced:
            ns = namespace or meta.get("namespace") or "default"
            if meta.get("namespace") and meta["namespace"] != ns:
                raise ApiError(400, "BadRequest",
                               "the namespace of the provided object does not "
                               "match the namespace sent on the request")
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        meta.pop("resourceVersion", None)
        if via_api or not meta.get("uid"):
            meta["uid"] = str(uuid.uuid4())
        if via_api or not meta.get("creationTimestamp"):
            meta["creationTimestamp"] = _now()
        if via_api and resource.initial_status is not None:
            obj["status"] = copy.deepcopy(resource.initial_status)
        if resource.kind == "Namespace":
            # Since 1.21 the server labels every namespace with its name.
            meta["labels"] = dict(meta.get("labels") or {},
                                  **{"kubernetes.io/metadata.name": meta["name"]})
        return obj

    def create(self, resource, obj, namespace=None, via_api=True):
        with self.cond:
            obj = self._prepare_new(resource, obj, namespace, via_api)
            meta = obj["metadata"]
            key = object_key(meta.get("namespace"), meta["name"])
            if key in self._objects[resource.plural]:
                raise ApiError(409, "AlreadyExists",
                               f'{resource.plural} "{meta["name"]}" already exists',
                               {"name": meta["name"], "kind": resource.plural})
            if via_api and resource.namespaced and \
                    meta["namespace"] not in self._objects["namespaces"]:
                raise ApiError(404, "NotFound",
                               f'namespaces "{meta["namespace"]}" not found',
                               {"name": meta["namespace"], "kind": "namespaces"})
            return self._write(resource, "ADDED", key, obj)

    def replace(self, resource, namespace, name, obj, subresource=None,
                via_api=True):
        """PUT: a replace of the object, or of its status only."""
        with self.cond:
            key = object_key(namespace if resource.namespaced else None, name)
            old = self._objects[resource.plural].get(key)
            body_meta = obj.get("metadata") or {}
            if body_meta.get("name", name) != name:
                raise ApiError(400, "BadRequest",
                               "the name of the object does not match the name "
                               "on the URL")
            if old is None:
                # AllowCreateOnUpdate is false for these kinds: the real
                # server answers 404. The control API upserts instead.
                if via_api:
                    raise not_found(resource.plural, name)
                return self.create(resource, obj, namespace, via_api=False)
            want_rv = body_meta.get("resourceVersion")
            if via_api and want_rv and want_rv != old.obj["metadata"]["resourceVersion"]:
                raise ApiError(409, "Conflict",
                               f'Operation cannot be fulfilled on {resource.plural} '
                               f'"{name}": the object has been modified; please '
                               'apply your changes to the latest version and try again',
                               {"name": name, "kind": resource.plural})
            if subresource == "status":
                new = dict(old.obj)
                new["metadata"] = dict(old.obj["metadata"])
                new["status"] = obj.get("status") or {}
            else:
                new = _typed(resource, obj)
                meta = new["metadata"]
                meta["name"] = name
                if resource.namespaced:
                    meta["namespace"] = namespace or old.obj["metadata"]["namespace"]
                # Identity is the server's, not the client's.
                meta["uid"] = old.obj["metadata"]["uid"]
                meta["creationTimestamp"] = old.obj["metadata"]["creationTimestamp"]
                if via_api and resource.has_status:
                    # The main resource ignores status; /status sets it.
                    if "status" in old.obj:
                        new["status"] = old.obj["status"]
                    else:
                        new.pop("status", None)
            return self._write(resource, "MODIFIED", key, new)

    def delete(self, resource, namespace, name):
        """Deletes at once: no finalizers and no graceful pod termination,
        because no kubelet would ever finish one. A namespace takes its
        objects with it, each deletion its own event."""
        with self.cond:
            key = object_key(namespace if resource.namespaced else None, name)
            old = self._objects[resource.plural].get(key)
            if old is None:
                raise not_found(resource.plural, name)
            if resource.kind == "Namespace":
                prefix = name + "/"
                for plural, table in list(self._objects.items()):
                    for k in [k for k in table if k.startswith(prefix)]:
                        res = resource_of(table[k].obj)
                        self._write(res, "DELETED", k, _last_state(table[k]))
            return self._write(resource, "DELETED", key, _last_state(old))

    def load(self, obj):
        """Control-API upsert: keeps status, uid and timestamps as given."""
        resource = resource_of(obj)
        meta = obj.get("metadata") or {}
        ns = meta.get("namespace") or ("default" if resource.namespaced else None)
        with self.cond:
            key = object_key(ns if resource.namespaced else None, meta.get("name", ""))
            if key in self._objects[resource.plural]:
                return self.replace(resource, ns, meta["name"], obj, via_api=False)
            return self.create(resource, obj, ns, via_api=False)

    def unload(self, obj):
        resource = resource_of(obj)
        meta = obj.get("metadata") or {}
        return self.delete(resource, meta.get("namespace") or "default",
                           meta.get("name", ""))

    def compact(self, rv=None):
        with self.cond:
            self._compact_locked(self.rv if rv is None else min(int(rv), self.rv))
            return self.compacted_rv

    def _compact_locked(self, rv):
        if rv <= self.compacted_rv:
            return
        del self._events[:rv - self.compacted_rv]
        self.compacted_rv = rv
        for snap in [s for s in self._snapshots if s[1] < rv]:
            del self._snapshots[snap]

    def close_watches(self, abrupt):
        with self.cond:
            self.watch_generation += 1
            self.abrupt_close = abrupt
            self.cond.notify_all()

    # ---- reads ------------------------------------------------------------
    def get(self, resource, namespace, name):
        with self.cond:
            key = object_key(namespace if resource.namespaced else None, name)
            stored = self._objects[resource.plural].get(key)
            if stored is None:
                raise not_found(resource.plural, name)
            return stored

    def counts(self):
        with self.cond:
            return {plural: len(t) for plural, t in self._objects.items()}

    def current(self, resource):
        """All objects now and the resourceVersion they are at."""
        with self.cond:
            return self.rv, list(self._objects[resource.plural].values())

    def _snapshot(self, plural, rv):
        """Sorted keys and objects of one resource as they were at rv."""
        snap = self._snapshots.get((plural, rv))
        if snap is not None:
            self._snapshots.move_to_end((plural, rv))
            return snap
        if rv < self.compacted_rv:
            return None
        table = dict(self._objects[plural])
        # Roll the later writes back, newest first.
        for event in reversed(self._events[rv - self.compacted_rv:]):
            if event.plural != plural:
                continue
            if event.prev is None:
                table.pop(event.key, None)
            else:
                table[event.key] = event.prev
        keys = sorted(table)
        snap = (keys, [table[k] for k in keys])
        self._snapshots[(plural, rv)] = snap
        while len(self._snapshots) > _SNAPSHOT_CACHE:
            self._snapshots.popitem(last=False)
        return snap

    def list_page(self, resource, namespace, predicate, limit, token):
        """One page of a list: (rv, items, continue token, remaining count)."""
        with self.cond:
            if token:
                rv, start = _decode_continue(token)
                snap = self._snapshot(resource.plural, rv)
                if snap is None:
                    raise expired(
                        "The provided continue parameter is too old to display "
                        "a consistent list result. You can start a new list "
                        "without the continue parameter.")
            else:
                rv, start = self.rv, ""
                if not limit:
                    snap = None
                else:
                    snap = self._snapshot(resource.plural, rv)
            if snap is None:
                # Unpaged: every match, in key order as etcd returns them.
                table = self._objects[resource.plural]
                items = [table[k] for k in sorted(table)
                         if _selected(table[k], resource, namespace, predicate)]
                return rv, items, None, None
        keys, values = snap
        items = []
        prefix = namespace + "/" if namespace and resource.namespaced else ""
        index = bisect.bisect_left(keys, start)
        if prefix:
            index = max(index, bisect.bisect_left(keys, prefix))
        while index < len(keys) and len(items) < limit:
            if prefix and not keys[index].startswith(prefix):
                break
            if _selected(values[index], resource, namespace, predicate):
                items.append(values[index])
            index += 1
        more = index < len(keys) and (not prefix or keys[index].startswith(prefix))
        if not more:
            return rv, items, None, None
        remaining = None
        if predicate is None and not prefix:
            remaining = len(keys) - index
        return rv, items, _encode_continue(rv, keys[index - 1] + "\x00"), remaining

    def events_after(self, rv):
        """Events after rv, or None when rv is older than the window.
        Caller holds the lock."""
        if rv < self.compacted_rv:
            return None
        return self._events[rv - self.compacted_rv:]


def _typed(resource, obj):
    """A shallow copy that leads with kind and apiVersion, as the server
    writes objects, and owns its metadata."""
    typed = {"kind": resource.kind, "apiVersion": resource.api_version}
    typed.update((k, v) for k, v in obj.items() if k not in typed)
    typed["metadata"] = dict(obj.get("metadata") or {})
    return typed


def _last_state(stored):
    # A DELETED event carries the last state with the deletion's
    # resourceVersion; objects are shared, so only metadata is copied.
    obj = dict(stored.obj)
    obj["metadata"] = dict(obj["metadata"])
    return obj


def _selected(stored, resource, namespace, predicate):
    meta = stored.obj["metadata"]
    if namespace and resource.namespaced and meta.get("namespace") != namespace:
        return False
    return predicate is None or predicate(stored.obj)


def _encode_continue(rv, start):
    # The same shape the real server encodes: version, resourceVersion of the
    # first page, and the key to start after.
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_continue(token):
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data.get("v") != "meta.k8s.io/v1":
            raise ValueError("bad version")
        return int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(400, "BadRequest",
                       f"continue key is not valid: {exc}") from exc
