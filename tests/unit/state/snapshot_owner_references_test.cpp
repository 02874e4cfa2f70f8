// Pod ownerReferences (our compatible addition, docs/snapshot.md): read as
// the Kubernetes API writes them, with one error per bad key.
#include "snapshot_test_support.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::checkOneError;
using nodeplane::state::test::parseGood;

namespace {

// A pod at line 5 whose ownerReferences are `refs` (line 8).
std::string podWith(const std::string& refs) {
    return "[[pods]]\n"
           "namespace = \"shop\"\n"
           "name = \"web-7d4b9c-x2x9z\"\n"
           "ownerReferences = " + refs + "\n";
}

}  // namespace

TEST_GROUP(SnapshotOwnerReferences){};

TEST(SnapshotOwnerReferences, AbsentIsEmpty) {
    Model model = parseGood("[[pods]]\nnamespace = \"shop\"\nname = \"a\"\n");
    LONGS_EQUAL(1, model.pods.size());
    CHECK(model.pods[0].ownerReferences.empty());
}

TEST(SnapshotOwnerReferences, ReadInOrderWithController) {
    Model model = parseGood(podWith("[{ kind = \"ReplicaSet\", name = \"web-7d4b9c\", controller = true },"
                                    " { kind = \"ConfigMap\", name = \"settings\", controller = false },"
                                    " { kind = \"Job\", name = \"nightly-28391040\" }]"));
    LONGS_EQUAL(1, model.pods.size());
    const auto& refs = model.pods[0].ownerReferences;
    LONGS_EQUAL(3, refs.size());
    STRCMP_EQUAL("ReplicaSet", refs[0].kind.c_str());
    STRCMP_EQUAL("web-7d4b9c", refs[0].name.c_str());
    CHECK(refs[0].controller == std::optional<bool>(true));
    STRCMP_EQUAL("ConfigMap", refs[1].kind.c_str());
    CHECK(refs[1].controller == std::optional<bool>(false));
    STRCMP_EQUAL("nightly-28391040", refs[2].name.c_str());
    CHECK_FALSE(refs[2].controller.has_value());
}

TEST(SnapshotOwnerReferences, ArrayOfTablesForm) {
    Model model = parseGood("[[pods]]\nnamespace = \"shop\"\nname = \"db-0\"\n"
                            "[[pods.ownerReferences]]\nkind = \"StatefulSet\"\nname = \"db\"\ncontroller = true\n");
    LONGS_EQUAL(1, model.pods[0].ownerReferences.size());
    CHECK(model.pods[0].ownerReferences[0] == (OwnerReference{"StatefulSet", "db", true}));
}

TEST(SnapshotOwnerReferences, NotAnArray) {
    checkOneError(podWith("\"web\""),
                  "s.toml:8:19: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences': expected an array of tables, got a string");
}

TEST(SnapshotOwnerReferences, ElementNotATable) {
    checkOneError(podWith("[\"web\"]"),
                  "s.toml:8:20: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0]': expected a table, got a string");
}

TEST(SnapshotOwnerReferences, KindMissing) {
    checkOneError(podWith("[{ name = \"web\" }]"),
                  "s.toml:8:20: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0].kind': required");
}

TEST(SnapshotOwnerReferences, NameMissing) {
    checkOneError(podWith("[{ kind = \"ReplicaSet\" }]"),
                  "s.toml:8:20: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0].name': required");
}

TEST(SnapshotOwnerReferences, KindNotCamelCase) {
    checkOneError(podWith("[{ kind = \"replicaset\", name = \"web\" }]"),
                  "s.toml:8:29: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0].kind': 'replicaset' is not a kind: "
                  "expected a CamelCase name such as ReplicaSet");
}

TEST(SnapshotOwnerReferences, NameNotAnObjectName) {
    checkOneError(podWith("[{ kind = \"ReplicaSet\", name = \"Web_1\" }]"),
                  "s.toml:8:50: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0].name': 'Web_1' is not a valid "
                  "DNS subdomain (dot-separated lowercase labels of letters, digits and '-', at most 253 characters)");
}

TEST(SnapshotOwnerReferences, ControllerNotABoolean) {
    checkOneError(podWith("[{ kind = \"ReplicaSet\", name = \"web\", controller = \"yes\" }]"),
                  "s.toml:8:70: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0].controller': expected a boolean, got a string");
}

TEST(SnapshotOwnerReferences, UnknownKey) {
    checkOneError(podWith("[{ kind = \"ReplicaSet\", name = \"web\", uid = \"1234\" }]"),
                  "s.toml:8:57: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[0].uid': unknown key");
}

TEST(SnapshotOwnerReferences, TwoControllers) {
    checkOneError(podWith("[{ kind = \"ReplicaSet\", name = \"a\", controller = true },"
                          " { kind = \"ReplicaSet\", name = \"b\", controller = true }]"),
                  "s.toml:8:124: Pod shop/web-7d4b9c-x2x9z: key 'ownerReferences[1].controller': a second controller "
                  "reference; a pod has at most one controller");
}
