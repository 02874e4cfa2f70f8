"""Unit tests of the store's resourceVersion, snapshot and selector logic
(the parts kubectl.sh cannot reach). Run: python3 -m unittest test_store"""

import os
import sys
import unittest

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

import selection                      # noqa: E402
from errors import ApiError            # noqa: E402
from resources import BY_KIND          # noqa: E402
from store import Store                # noqa: E402
from watch import _translate           # noqa: E402

POD = BY_KIND["Pod"]


def pod(name, ns="a", node="n1"):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"nodeName": node}}


def names(items):
    return [s.obj["metadata"]["name"] for s in items]


class StoreTest(unittest.TestCase):
    def setUp(self):
        self.store = Store(history_limit=1000)
        for ns in ("a", "b"):
            self.store.load({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    def test_every_write_takes_the_next_rv(self):
        s = self.store.create(POD, pod("p1"))
        self.assertEqual(s.obj["metadata"]["resourceVersion"], "3")
        s = self.store.replace(POD, "a", "p1", pod("p1", node="n2"))
        self.assertEqual(s.obj["metadata"]["resourceVersion"], "4")
        s = self.store.delete(POD, "a", "p1")
        self.assertEqual(s.obj["metadata"]["resourceVersion"], "5")
        with self.store.cond:
            types = [e.type for e in self.store.events_after(2)]
        self.assertEqual(types, ["ADDED", "MODIFIED", "DELETED"])

    def test_stored_objects_are_not_changed_by_later_writes(self):
        first = self.store.create(POD, pod("p1"))
        self.store.replace(POD, "a", "p1", pod("p1", node="n2"))
        self.store.delete(POD, "a", "p1")
        self.assertEqual(first.obj["metadata"]["resourceVersion"], "3")
        self.assertEqual(first.obj["spec"]["nodeName"], "n1")

    def test_pages_in_one_namespace_skip_others_and_stay_consistent(self):
        for i in range(5):
            self.store.create(POD, pod(f"p{i}", "a"))
            self.store.create(POD, pod(f"q{i}", "b"))
        rv, page, token, remaining = self.store.list_page(POD, "b", None, 2, None)
        self.assertEqual(names(page), ["q0", "q1"])
        self.assertIsNone(remaining)
        self.store.delete(POD, "b", "q4")
        self.store.create(POD, pod("q9", "b"))
        seen = names(page)
        while token:
            rv2, page, token, _ = self.store.list_page(POD, "b", None, 2, token)
            self.assertEqual(rv2, rv)
            seen += names(page)
        self.assertEqual(seen, ["q0", "q1", "q2", "q3", "q4"])

    def test_continue_after_the_snapshot_left_the_cache_rebuilds_it(self):
        for i in range(4):
            self.store.create(POD, pod(f"p{i}"))
        rv, page, token, _ = self.store.list_page(POD, None, None, 2, None)
        self.store.replace(POD, "a", "p3", pod("p3", node="changed"))
        self.store.delete(POD, "a", "p2")
        for i in range(10):     # other paged lists push it out of the cache
            self.store.create(POD, pod(f"z{i}"))
            self.store.list_page(POD, None, None, 1, None)
        rv2, page, token, _ = self.store.list_page(POD, None, None, 2, token)
        self.assertEqual(rv2, rv)
        self.assertEqual(names(page), ["p2", "p3"])
        self.assertEqual(page[1].obj["spec"]["nodeName"], "n1")
        self.assertIsNone(token)

    def test_remaining_item_count_without_filters(self):
        for i in range(5):
            self.store.create(POD, pod(f"p{i}"))
        _, _, _, remaining = self.store.list_page(POD, None, None, 2, None)
        self.assertEqual(remaining, 3)

    def test_compaction_expires_watches_and_continue_tokens(self):
        for i in range(3):
            self.store.create(POD, pod(f"p{i}"))
        _, _, token, _ = self.store.list_page(POD, None, None, 1, None)
        # As etcd: the state at the compaction RV itself stays readable.
        self.store.compact()
        self.assertEqual(len(self.store.list_page(POD, None, None, 1, token)[1]), 1)
        self.store.create(POD, pod("later"))
        self.store.compact()
        with self.store.cond:
            self.assertIsNone(self.store.events_after(3))
            self.assertEqual(self.store.events_after(self.store.rv), [])
        with self.assertRaises(ApiError) as err:
            self.store.list_page(POD, None, None, 1, token)
        self.assertEqual((err.exception.code, err.exception.reason), (410, "Expired"))

    def test_history_overflow_compacts_the_oldest(self):
        store = Store(history_limit=10)
        store.load({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}})
        for i in range(20):
            store.create(POD, pod(f"p{i}"))
        self.assertGreater(store.compacted_rv, 0)
        with store.cond:
            self.assertIsNone(store.events_after(1))
            self.assertEqual(len(store.events_after(store.compacted_rv)),
                             store.rv - store.compacted_rv)

    def test_initial_rv_continues_past_an_old_server(self):
        store = Store(history_limit=10, initial_rv=100)
        s = store.load({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}})
        self.assertEqual(s.obj["metadata"]["resourceVersion"], "101")
        with store.cond:
            self.assertIsNone(store.events_after(99))     # an old watcher: 410
            self.assertEqual(len(store.events_after(100)), 1)

    def test_selector_transitions(self):
        predicate = selection.parse("spec.nodeName=n1", None, "Pod")

        def selected(stored):
            return predicate(stored.obj)
        self.store.create(POD, pod("p", node="n2"))
        self.store.replace(POD, "a", "p", pod("p", node="n1"))   # moves in
        self.store.replace(POD, "a", "p", pod("p", node="n1"))   # stays
        self.store.replace(POD, "a", "p", pod("p", node="n3"))   # moves out
        self.store.delete(POD, "a", "p")                         # not selected
        with self.store.cond:
            seen = [_translate(e, selected) for e in self.store.events_after(2)]
        self.assertEqual(seen, [None, "ADDED", "MODIFIED", "DELETED", None])

    def test_label_selector_grammar(self):
        match = selection.parse(None, "app in (web,db),tier!=back,!legacy,env", "Pod")

        def obj(labels):
            return {"metadata": {"labels": labels}}
        self.assertTrue(match(obj({"app": "web", "env": "x"})))
        self.assertFalse(match(obj({"app": "web", "env": "x", "legacy": "1"})))
        self.assertFalse(match(obj({"app": "api", "env": "x"})))
        self.assertFalse(match(obj({"app": "db", "tier": "back", "env": "x"})))
        self.assertFalse(match(obj({"app": "db"})))

    def test_unknown_field_selector_is_refused(self):
        with self.assertRaises(ApiError):
            selection.parse("spec.nodeName=x", None, "Service")

    def test_namespace_delete_takes_its_objects(self):
        self.store.create(POD, pod("p1", "a"))
        self.store.create(POD, pod("p2", "b"))
        self.store.delete(BY_KIND["Namespace"], None, "a")
        self.assertEqual(self.store.counts()["pods"], 1)

    def test_create_needs_the_namespace(self):
        with self.assertRaises(ApiError) as err:
            self.store.create(POD, pod("p", "missing"))
        self.assertEqual(err.exception.code, 404)


if __name__ == "__main__":
    unittest.main()
