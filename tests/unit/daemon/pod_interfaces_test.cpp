#include <CppUTest/TestHarness.h>

#include "daemon/pod_interfaces.h"

using namespace nodeplane;
using nodeplane::daemon::assignPodInterfaces;

namespace {

state::Pod pod(const std::string& name, const std::string& node, const std::string& annotation) {
    state::Pod p;
    p.namespace_ = "shop";
    p.name = name;
    p.nodeName = node;
    if (!annotation.empty()) p.annotations["nodeplane.io/interface"] = annotation;
    return p;
}

}  // namespace

TEST_GROUP(PodInterfaces){};

TEST(PodInterfaces, OnlyThisNodesAnnotatedPodsGetTheirInterface) {
    state::Model m;
    m.node = "node-a";
    m.pods = {pod("web-1", "node-a", "np-web-1"), pod("web-2", "node-b", "np-web-2"), pod("web-3", "node-a", "")};
    auto notes = assignPodInterfaces(m);
    CHECK_TRUE(notes.empty());
    STRCMP_EQUAL("np-web-1", m.pods[0].interface.value_or("").c_str());
    CHECK_FALSE(m.pods[1].interface.has_value());
    CHECK_FALSE(m.pods[2].interface.has_value());
}

TEST(PodInterfaces, AnInvalidNameOrAHostNetworkPodIsNamedAndLeftWithout) {
    state::Model m;
    m.node = "node-a";
    m.pods = {pod("long", "node-a", "a-name-longer-than-15"), pod("host", "node-a", "np-host")};
    m.pods[1].hostNetwork = true;
    auto notes = assignPodInterfaces(m);
    LONGS_EQUAL(2, notes.size());
    CHECK_TEXT(notes[0].find("Pod shop/long: annotation nodeplane.io/interface 'a-name-longer-than-15'") == 0,
               notes[0].c_str());
    CHECK_TEXT(notes[1].find("Pod shop/host: a hostNetwork pod") == 0, notes[1].c_str());
    CHECK_FALSE(m.pods[0].interface.has_value());
    CHECK_FALSE(m.pods[1].interface.has_value());
}

TEST(PodInterfaces, AnInterfaceSetBeforeIsClearedWhenTheAnnotationGoes) {
    state::Model m;
    m.node = "node-a";
    m.pods = {pod("web-1", "node-a", "")};
    m.pods[0].interface = "np-old";
    assignPodInterfaces(m);
    CHECK_FALSE(m.pods[0].interface.has_value());
}
