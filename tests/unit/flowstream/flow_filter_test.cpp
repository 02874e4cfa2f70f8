// Filters: each kind alone, kinds together (AND), repeats of a kind (OR),
// bad values refused, and the JSON line a client sends round-tripping.
#include <CppUTest/TestHarness.h>

#include "flowstream/flow_filter.h"
#include "sample_flows.h"

using namespace nodeplane;
using namespace nodeplane::flowstream;
using namespace nodeplane::flowstream::test;

namespace {

FlowFilter filterOf(std::initializer_list<std::pair<const char*, const char*>> flags) {
    FlowFilter filter;
    for (auto [flag, value] : flags) {
        Status added = addFilter(filter, flag, value);
        CHECK_TEXT(added.ok(), added.ok() ? "" : added.error().message.c_str());
    }
    return filter;
}

std::string addError(const char* flag, const char* value) {
    FlowFilter filter;
    Status added = addFilter(filter, flag, value);
    return added.ok() ? "accepted" : added.error().message;
}

}  // namespace

TEST_GROUP(FlowFilter){};

TEST(FlowFilter, AnEmptyFilterTakesEverything) {
    CHECK(FlowFilter{}.matches(allowedVerdict()));
    CHECK(FlowFilter{}.matches(deniedVerdict()));
}

TEST(FlowFilter, NamespaceAndPodMatchEitherEnd) {
    CHECK(filterOf({{"namespace", "default"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"namespace", "data"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"namespace", "kube-system"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"pod", "data/db-0"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"pod", "default/web-1"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"pod", "default/db-0"}}).matches(allowedVerdict()));

    // An address that is no pod has no namespace, even with a name-like node.
    observe::EnrichedFlow flow = allowedVerdict();
    flow.src.kind = observe::Peer::Kind::Node;
    flow.dst.kind = observe::Peer::Kind::Other;
    CHECK_FALSE(filterOf({{"namespace", "default"}}).matches(flow));
}

TEST(FlowFilter, VerdictPortProtocolAndDirection) {
    CHECK(filterOf({{"verdict", "allow"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"verdict", "allow"}}).matches(deniedVerdict()));
    CHECK(filterOf({{"verdict", "deny"}}).matches(deniedVerdict()));
    CHECK_FALSE(filterOf({{"verdict", "drop"}}).matches(deniedVerdict()));
    CHECK(filterOf({{"port", "5432"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"port", "40000"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"port", "80"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"protocol", "tcp"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"protocol", "udp"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"direction", "ingress"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"direction", "ingress"}}).matches(deniedVerdict()));
    CHECK(filterOf({{"direction", "egress"}}).matches(deniedVerdict()));

    observe::EnrichedFlow open = allowedVerdict();
    open.event.kind = observe::FlowEventKind::FlowOpen;
    CHECK_FALSE(filterOf({{"direction", "ingress"}}).matches(open));  // only verdicts have one

    observe::EnrichedFlow ping = allowedVerdict();
    ping.event.protocol = IPPROTO_ICMPV6;
    CHECK(filterOf({{"protocol", "icmp"}}).matches(ping));

    observe::EnrichedFlow translation = allowedVerdict();
    translation.event.kind = observe::FlowEventKind::ServiceTranslation;
    translation.event.frontendPort = 80;
    CHECK(filterOf({{"port", "80"}}).matches(translation));
}

TEST(FlowFilter, RepeatsOfOneKindOrKindsAnd) {
    CHECK(filterOf({{"port", "80"}, {"port", "5432"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"verdict", "deny"}, {"verdict", "allow"}}).matches(allowedVerdict()));
    CHECK(filterOf({{"namespace", "data"}, {"verdict", "allow"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"namespace", "data"}, {"verdict", "deny"}}).matches(allowedVerdict()));
    CHECK_FALSE(filterOf({{"namespace", "data"}, {"port", "80"}, {"port", "5432"}, {"protocol", "udp"}})
                    .matches(allowedVerdict()));
}

TEST(FlowFilter, BadValuesAreRefusedWithTheFlag) {
    STRCMP_EQUAL("--pod needs NAMESPACE/NAME, got 'web'", addError("pod", "web").c_str());
    STRCMP_EQUAL("--pod needs NAMESPACE/NAME, got 'a/b/c'", addError("pod", "a/b/c").c_str());
    STRCMP_EQUAL("--verdict takes allow, deny or drop, got 'reject'", addError("verdict", "reject").c_str());
    STRCMP_EQUAL("--port takes a number 1-65535, got '0'", addError("port", "0").c_str());
    STRCMP_EQUAL("--port takes a number 1-65535, got '65536'", addError("port", "65536").c_str());
    STRCMP_EQUAL("--port takes a number 1-65535, got '80x'", addError("port", "80x").c_str());
    STRCMP_EQUAL("--protocol takes tcp, udp or icmp, got 'sctp'", addError("protocol", "sctp").c_str());
    STRCMP_EQUAL("--direction takes ingress or egress, got 'in'", addError("direction", "in").c_str());
    STRCMP_EQUAL("--namespace needs a namespace name", addError("namespace", "").c_str());
    STRCMP_EQUAL("unknown filter '--colour'", addError("colour", "red").c_str());
}

TEST(FlowFilter, TheFilterLineRoundTrips) {
    FlowFilter filter = filterOf({{"namespace", "a"},
                                  {"pod", "a/web"},
                                  {"verdict", "deny"},
                                  {"port", "53"},
                                  {"port", "80"},
                                  {"protocol", "udp"},
                                  {"direction", "egress"}});
    filter.sinceNow = true;
    std::string line = filterToJson(filter).dump();
    STRCMP_EQUAL("{\"direction\":[\"egress\"],\"namespace\":[\"a\"],\"pod\":[\"a/web\"],\"port\":[53,80],"
                 "\"protocol\":[\"udp\"],\"sinceNow\":true,\"verdict\":[\"deny\"]}",
                 line.c_str());
    auto back = filterFromJson(line);
    CHECK(back.ok());
    CHECK(*back == filter);
    STRCMP_EQUAL("{}", filterToJson(FlowFilter{}).dump().c_str());
}

TEST(FlowFilter, ABadFilterLineIsRefused) {
    STRCMP_EQUAL("the filter is not a JSON object", filterFromJson("[1]").error().message.c_str());
    STRCMP_EQUAL("the filter is not a JSON object", filterFromJson("{\"port\":").error().message.c_str());
    STRCMP_EQUAL("filter 'port' must be a list", filterFromJson("{\"port\":53}").error().message.c_str());
    STRCMP_EQUAL("filter 'port' holds -1, not a port number", filterFromJson("{\"port\":[-1]}").error().message.c_str());
    STRCMP_EQUAL("--verdict takes allow, deny or drop, got 'x'",
                 filterFromJson("{\"verdict\":[\"x\"]}").error().message.c_str());
    STRCMP_EQUAL("unknown filter '--color'", filterFromJson("{\"color\":[\"red\"]}").error().message.c_str());
    STRCMP_EQUAL("filter 'sinceNow' must be true or false",
                 filterFromJson("{\"sinceNow\":1}").error().message.c_str());
}
