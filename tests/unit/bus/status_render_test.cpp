#include <CppUTest/TestHarness.h>

#include "fake_handler.h"
#include "nodeplanectl/status_render.h"

using namespace std::chrono;
using nodeplane::bus::NodeStatus;
using nodeplane::bus::test::sampleStatus;
using nodeplane::ctl::fillPercent;
using nodeplane::ctl::statusToJson;
using nodeplane::ctl::statusToText;

namespace {

// 5.125 s after the sample's apply time.
const system_clock::time_point kNow{seconds{1714564800} + milliseconds{250}};

}  // namespace

TEST_GROUP(StatusRender){};

TEST(StatusRender, JsonHasTheDocumentedShape) {
    const char* expected = R"({
  "node": "node-a",
  "phase": "serving",
  "healthy": true,
  "stateSource": "snapshot",
  "statePath": "/etc/nodeplane/state.toml",
  "generation": 7,
  "appliedAt": "2024-05-01T11:59:55.125Z",
  "appliedUsec": 1714564795125000,
  "lastError": "state.toml:12:5: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535",
  "pendingInterfaces": [
    "np-late-1",
    "np-late-2"
  ],
  "interfaces": [
    {
      "name": "np-web-1",
      "ifindex": 12,
      "role": "pod",
      "programs": [
        "from_pod@ingress",
        "to_pod@egress"
      ],
      "rxPackets": 10,
      "rxBytes": 1000,
      "txPackets": 20,
      "txBytes": 2000
    },
    {
      "name": "eth0",
      "ifindex": 2,
      "role": "external",
      "programs": [
        "from_netdev@ingress",
        "to_netdev@egress"
      ],
      "rxPackets": 18446744073709551615,
      "rxBytes": 1,
      "txPackets": 2,
      "txBytes": 3
    },
    {
      "name": "np-idle",
      "ifindex": 40000,
      "role": "pod",
      "programs": [],
      "rxPackets": 0,
      "rxBytes": 0,
      "txPackets": 0,
      "txBytes": 0
    }
  ],
  "maps": [
    {
      "name": "np_services",
      "type": "hash",
      "entries": 12,
      "maxEntries": 65536,
      "fillPercent": 0.0
    },
    {
      "name": "np_conntrack",
      "type": "lru_hash",
      "entries": 131072,
      "maxEntries": 262144,
      "fillPercent": 50.0
    },
    {
      "name": "np_empty",
      "type": "array",
      "entries": 0,
      "maxEntries": 0,
      "fillPercent": null
    }
  ],
  "stats": [
    {
      "name": "forwarded",
      "value": 123456789012
    },
    {
      "name": "drop_policy",
      "value": 3
    }
  ],
  "conntrack": {
    "entries": 943718,
    "capacity": 1048576,
    "fillPercent": 90.0,
    "gcIntervalSeconds": 10,
    "gcPasses": 42,
    "lastGcAt": "2024-05-01T11:59:58.250Z",
    "lastGcDurationUsec": 12345,
    "lastGcError": "Failed to walk np_conntrack_v2: Permission denied",
    "agedOut": 17,
    "agedOutByState": {
      "syn-sent": 2,
      "established": 1,
      "closing": 9,
      "unreplied": 4,
      "replied": 1
    }
  },
  "drain": {
    "draining": false,
    "exiting": false,
    "reasons": [],
    "since": null,
    "movedAwayAt": null,
    "drainSeconds": 0
  }
})";
    STRCMP_EQUAL(expected, statusToJson(sampleStatus()).dump(2).c_str());
}

TEST(StatusRender, JsonForNothingYet) {
    // Scripts test `.lastError == ""` and iterate the lists without null checks.
    STRCMP_EQUAL(
        "{\"node\":\"\",\"phase\":\"\",\"healthy\":false,\"stateSource\":\"\",\"statePath\":\"\",\"generation\":0,"
        "\"appliedAt\":null,\"appliedUsec\":0,\"lastError\":\"\",\"pendingInterfaces\":[],\"interfaces\":[],"
        "\"maps\":[],\"stats\":[],\"conntrack\":{\"entries\":0,\"capacity\":0,\"fillPercent\":0.0,"
        "\"gcIntervalSeconds\":0,\"gcPasses\":0,\"lastGcAt\":null,\"lastGcDurationUsec\":0,\"lastGcError\":\"\","
        "\"agedOut\":0,\"agedOutByState\":{}},\"drain\":{\"draining\":false,\"exiting\":false,\"reasons\":[],"
        "\"since\":null,\"movedAwayAt\":null,\"drainSeconds\":0}}",
        statusToJson(NodeStatus{}).dump().c_str());
}

TEST(StatusRender, TextShowsEverythingAnOperatorLooksFor) {
    const char* expected =
        "Node:     node-a\n"
        "Phase:    serving (healthy)\n"
        "State:    snapshot /etc/nodeplane/state.toml\n"
        "Applied:  generation 7 at 2024-05-01T11:59:55.125Z (5 s ago)\n"
        "Drain:    not drained\n"
        "Pending:  np-late-1,np-late-2 (named by the state, not present yet)\n"
        "Refused:  state.toml:12:5: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535 (the "
        "applied state stays in force)\n"
        "\n"
        "Interfaces:\n"
        "  NAME      IFINDEX  ROLE      PROGRAMS                                        RX PACKETS  RX BYTES  TX PACKETS  TX BYTES\n"
        "  np-web-1       12  pod       from_pod@ingress,to_pod@egress                          10      1000          20      2000\n"
        "  eth0            2  external  from_netdev@ingress,to_netdev@egress  18446744073709551615         1           2         3\n"
        "  np-idle     40000  pod       -                                                        0         0           0         0\n"
        "\n"
        "Maps:\n"
        "  NAME          TYPE        ENTRIES/MAX   FILL\n"
        "  np_services   hash           12/65536   0.0%\n"
        "  np_conntrack  lru_hash  131072/262144  50.0%\n"
        "  np_empty      array               0/0      -\n"
        "\n"
        "Counters:\n"
        "  NAME                VALUE\n"
        "  forwarded    123456789012\n"
        "  drop_policy             3\n"
        "\n"
        "Conntrack:\n"
        "  Entries:   943718/1048576 (90.0%)\n"
        "  Ageing:    every 10 s, last pass 2 s ago in 12 ms (42 passes)\n"
        "  Aged out:  17 (syn-sent 2, established 1, closing 9, unreplied 4, replied 1)\n"
        "  Failed:    Failed to walk np_conntrack_v2: Permission denied (the last ageing pass)\n";
    STRCMP_EQUAL(expected, statusToText(sampleStatus(), kNow).c_str());
}

TEST(StatusRender, TextForADaemonThatIsStarting) {
    NodeStatus s;
    s.node = "node-b";
    s.stateSource = "kubernetes";
    s.phase = "starting";
    const char* expected =
        "Node:     node-b\n"
        "Phase:    starting (not healthy)\n"
        "State:    kubernetes\n"
        "API:      not synced, not connected, no answer yet (0 relists, 0 watch restarts, 0 events, 0 errors)\n"
        "Applied:  nothing applied yet\n"
        "Drain:    not drained\n"
        "\n"
        "Interfaces: none\n"
        "\n"
        "Maps: none\n"
        "\n"
        "Counters: none\n"
        "\n"
        "Conntrack:\n"
        "  Entries:   0/0 (0.0%)\n"
        "  Ageing:    every 0 s, no pass yet\n"
        "  Aged out:  0\n";
    STRCMP_EQUAL(expected, statusToText(s, kNow).c_str());
}

TEST(StatusRender, KubernetesSourceShowsTheFeedAndWhyItIsDegraded) {
    NodeStatus s = sampleStatus();
    s.stateSource = "kubernetes";
    s.statePath = "/etc/nodeplane/kubeconfig";
    const std::string text = statusToText(s, kNow);
    const char* expected =
        "State:    kubernetes /etc/nodeplane/kubeconfig\n"
        "API:      not synced, not connected, last answer 10 s ago (3 relists, 11 watch restarts, 123456 events, "
        "7 errors)\n"
        "API error: Pods: list: Couldn't connect to server\n"
        "Degraded: serving the last-known state: the API server has not answered\n"
        "Saved:    /var/lib/nodeplane/last-known.toml 20 s ago\n"
        "Applied:  ";
    CHECK_TEXT(text.find(expected) != std::string::npos, text.c_str());

    auto json = statusToJson(s);
    const auto& k = json.at("kubernetes");
    CHECK_TRUE(k.at("degraded").get<bool>());
    CHECK_TRUE(k.at("servingLastKnown").get<bool>());
    CHECK_FALSE(k.at("synced").get<bool>());
    STRCMP_EQUAL("2024-05-01T11:59:50.000Z", k.at("lastContact").get<std::string>().c_str());
    STRCMP_EQUAL("2024-05-01T11:59:40.000Z", k.at("lastKnownSaved").get<std::string>().c_str());
    LONGS_EQUAL(123456, k.at("events").get<long>());
    // A snapshot node has no feed to show.
    CHECK_FALSE(statusToJson(sampleStatus()).contains("kubernetes"));
    CHECK(statusToText(sampleStatus(), kNow).find("API:") == std::string::npos);
}

TEST(StatusRender, FillPercentRoundsToOneDecimal) {
    CHECK(fillPercent(1, 3) == 33.3);
    CHECK(fillPercent(2, 3) == 66.7);
    CHECK(fillPercent(65536, 65536) == 100.0);
    CHECK(fillPercent(5, 0) == 0.0);
    CHECK(fillPercent(4294967295u, 4294967295u) == 100.0);
}
