"""Field and label selectors, parsed into one predicate over an object.

Field selectors support what the real server supports for these kinds:
metadata.name and metadata.namespace everywhere, and a few pod fields
(spec.nodeName is what a node agent filters its pods by). Label selectors
support the set-based grammar of apimachinery's labels.Parse.
"""

import re

from errors import ApiError

_POD_FIELDS = {"spec.nodeName", "spec.hostNetwork", "spec.restartPolicy",
               "spec.schedulerName", "spec.serviceAccountName",
               "status.phase", "status.podIP", "status.nominatedNodeName"}
_COMMON_FIELDS = {"metadata.name", "metadata.namespace"}


def _field_value(obj, path):
    value = obj
    for part in path.split("."):
        if not isinstance(value, dict):
            return ""
        value = value.get(part)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_fields(text, kind):
    allowed = _COMMON_FIELDS | (_POD_FIELDS if kind == "Pod" else set())
    terms = []
    for term in filter(None, text.split(",")):
        m = re.fullmatch(r"([^=!]+)(==|!=|=)(.*)", term)
        if not m:
            raise ApiError(400, "BadRequest",
                           f"invalid field selector: '{term}'")
        field, op, value = m.group(1), m.group(2), m.group(3)
        if field not in allowed:
            raise ApiError(400, "BadRequest",
                           f'"{field}" is not a known field selector: only '
                           f'"{", ".join(sorted(allowed))}"')
        terms.append((field, op != "!=", value))
    return terms


_LABEL_TERM = re.compile(
    r"\s*(?:(!)\s*([\w./-]+)"                                   # !key
    r"|([\w./-]+)\s*(notin|in)\s*\(([^)]*)\)"                   # key in (a,b)
    r"|([\w./-]+)\s*(==|!=|=)\s*([\w./-]*)"                     # key=value
    r"|([\w./-]+))\s*(?:,|$)")                                  # key


def _parse_labels(text):
    terms = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _LABEL_TERM.match(text, pos)
        if not m or m.end() == pos:
            raise ApiError(400, "BadRequest",
                           f"unable to parse requirement: '{text[pos:]}'")
        pos = m.end()
        if m.group(2):
            terms.append(("absent", m.group(2), None))
        elif m.group(3):
            values = {v.strip() for v in m.group(5).split(",") if v.strip()}
            terms.append((m.group(4), m.group(3), values))
        elif m.group(6):
            op = "notin" if m.group(7) == "!=" else "in"
            terms.append((op, m.group(6), {m.group(8)}))
        else:
            terms.append(("exists", m.group(9), None))
    return terms


def _labels_match(labels, terms):
    for op, key, values in terms:
        present = key in labels
        if op == "exists" and not present:
            return False
        if op == "absent" and present:
            return False
        if op == "in" and (not present or labels[key] not in values):
            return False
        if op == "notin" and present and labels[key] in values:
            return False
    return True


def parse(field_selector, label_selector, kind):
    """Return a predicate over objects, or None when nothing is selected on."""
    fields = _parse_fields(field_selector or "", kind)
    labels = _parse_labels(label_selector or "")
    if not fields and not labels:
        return None

    def matches(obj):
        for field, equal, value in fields:
            if (_field_value(obj, field) == value) != equal:
                return False
        obj_labels = (obj.get("metadata") or {}).get("labels") or {}
        return _labels_match(obj_labels, labels)
    return matches
