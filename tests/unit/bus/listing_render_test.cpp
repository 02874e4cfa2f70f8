// `nodeplanectl services` and `nodeplanectl conntrack list` output: the JSON
// contract scripts rely on, and the text tables.
#include <CppUTest/TestHarness.h>

#include "fake_handler.h"
#include "nodeplanectl/conntrack_render.h"
#include "nodeplanectl/services_render.h"

using nodeplane::bus::ConntrackListing;
using nodeplane::bus::test::sampleConntrack;
using nodeplane::bus::test::sampleServices;
using namespace nodeplane::ctl;

TEST_GROUP(ServicesRender){};

TEST(ServicesRender, TextListsEachFrontendWithItsBackendsBelowIt) {
    const char* expected =
        "  FRONTEND            SCOPE     SERVICE  BACKENDS  HALF  FLAGS\n"
        "  10.96.0.10:80/tcp   internal        1         2     1  affinity(10800s),reject-when-empty\n"
        "    10.200.1.11:8080                                     local\n"
        "    10.200.2.20:8080                                     remote,terminating\n"
        "  [fd00::a]:53/udp    external        2         0     0  etp-local,itp-local,source-ranges,masquerade\n";
    STRCMP_EQUAL(expected, servicesToText(sampleServices()).c_str());
}

TEST(ServicesRender, TextWithoutServices) {
    STRCMP_EQUAL("No services in the datapath\n", servicesToText({}).c_str());
}

TEST(ServicesRender, JsonHasTheDocumentedShape) {
    const char* expected = R"({
  "services": [
    {
      "address": "10.96.0.10",
      "port": 80,
      "protocol": "tcp",
      "scope": "internal",
      "flags": [
        "affinity",
        "reject-when-empty"
      ],
      "affinityTimeoutSeconds": 10800,
      "serviceId": 1,
      "revNatId": 3,
      "backendCount": 2,
      "activeHalf": 1,
      "backends": [
        {
          "id": 7,
          "address": "10.200.1.11",
          "port": 8080,
          "local": true,
          "terminating": false
        },
        {
          "id": 9,
          "address": "10.200.2.20",
          "port": 8080,
          "local": false,
          "terminating": true
        }
      ]
    },
    {
      "address": "fd00::a",
      "port": 53,
      "protocol": "udp",
      "scope": "external",
      "flags": [
        "etp-local",
        "itp-local",
        "source-ranges",
        "masquerade"
      ],
      "affinityTimeoutSeconds": 0,
      "serviceId": 2,
      "revNatId": 4,
      "backendCount": 0,
      "activeHalf": 0,
      "backends": []
    }
  ]
})";
    STRCMP_EQUAL(expected, servicesToJson(sampleServices()).dump(2).c_str());
    STRCMP_EQUAL("{\"services\":[]}", servicesToJson({}).dump().c_str());
}

TEST(ServicesRender, EndpointsBracketIpv6) {
    STRCMP_EQUAL("10.0.0.1:80", endpointText("10.0.0.1", 80).c_str());
    STRCMP_EQUAL("[fd00::1]:443", endpointText("fd00::1", 443).c_str());
}

TEST_GROUP(ConntrackRender){};

TEST(ConntrackRender, TextIsOneLinePerEntryAndSaysWhenCut) {
    const char* expected =
        "  PROTO  SOURCE             DESTINATION         DIR       STATE      AGE  IDLE  TIMEOUT  BACKEND  FLAGS  NOTES\n"
        "  tcp    10.200.1.10:40000  10.96.0.10:80       original  closing    12s    3s      60s        7  SA\n"
        "  tcp    10.200.1.11:8080   10.200.1.10:40000   reply     closing    12s    3s      60s        7  FSA    closing\n"
        "  udp    192.168.50.1:5353  192.168.50.2:30053  original  unreplied   0s    0s      30s        9  -      snat "
        "192.168.50.2:61000 external\n"
        "Showing the first 3 of 5 entries\n";
    STRCMP_EQUAL(expected, conntrackToText(sampleConntrack()).c_str());
}

TEST(ConntrackRender, TextWithoutEntries) {
    STRCMP_EQUAL("No conntrack entries\n", conntrackToText(ConntrackListing{}).c_str());
}

TEST(ConntrackRender, AReplyNamesTheClientItsNatRestores) {
    ConntrackListing listing = sampleConntrack();
    auto& reply = listing.entries[1];
    reply.natAddress = "10.200.1.10";
    reply.natPort = 40000;
    reply.closing = false;
    CHECK(conntrackToText(listing).find("  FSA    client 10.200.1.10:40000\n") != std::string::npos);
}

TEST(ConntrackRender, JsonHasTheDocumentedShape) {
    ConntrackListing listing = sampleConntrack();
    listing.entries.resize(1);
    listing.entries.push_back(sampleConntrack().entries[2]);
    const char* expected = R"({
  "total": 5,
  "entries": [
    {
      "direction": "original",
      "protocol": "tcp",
      "source": "10.200.1.10",
      "sourcePort": 40000,
      "destination": "10.96.0.10",
      "destinationPort": 80,
      "state": "closing",
      "ageSeconds": 12,
      "idleSeconds": 3,
      "timeoutSeconds": 60,
      "backendId": 7,
      "revNatId": 3,
      "tcpFlags": "SA",
      "closing": false,
      "external": false,
      "nat": null
    },
    {
      "direction": "original",
      "protocol": "udp",
      "source": "192.168.50.1",
      "sourcePort": 5353,
      "destination": "192.168.50.2",
      "destinationPort": 30053,
      "state": "unreplied",
      "ageSeconds": 0,
      "idleSeconds": 0,
      "timeoutSeconds": 30,
      "backendId": 9,
      "revNatId": 4,
      "tcpFlags": "",
      "closing": false,
      "external": true,
      "nat": {
        "address": "192.168.50.2",
        "port": 61000
      }
    }
  ]
})";
    STRCMP_EQUAL(expected, conntrackToJson(listing).dump(2).c_str());
    STRCMP_EQUAL("{\"total\":0,\"entries\":[]}", conntrackToJson(ConntrackListing{}).dump().c_str());
}

TEST(ConntrackRender, TcpFlagLettersFollowTheHeaderBits) {
    STRCMP_EQUAL("", tcpFlagLetters(0).c_str());
    STRCMP_EQUAL("F", tcpFlagLetters(0x01).c_str());
    STRCMP_EQUAL("SA", tcpFlagLetters(0x12).c_str());
    STRCMP_EQUAL("RA", tcpFlagLetters(0x14).c_str());
    STRCMP_EQUAL("FSRPAUEC", tcpFlagLetters(0xff).c_str());
}
