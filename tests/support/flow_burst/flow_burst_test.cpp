// np-flow-burst's command line, pacing and datagrams, without sockets.
#include <arpa/inet.h>

#include <CppUTest/TestHarness.h>

#include "burst_options.h"
#include "burst_schedule.h"
#include "support/checksum.h"
#include "udp_datagram.h"

using namespace nodeplane;
using namespace nodeplane::burst;
using namespace std::chrono_literals;

TEST_GROUP(BurstOptions){};

TEST(BurstOptions, ReadsEveryOption) {
    auto options = parseBurstOptions({"--to", "10.200.1.10:9999", "--count", "20000", "--rate", "8000",
                                      "--first-source-port", "30000", "--payload-bytes", "0"});
    CHECK_TRUE(options.ok());
    STRCMP_EQUAL("10.200.1.10", inet_ntoa(options->destination.sin_addr));
    LONGS_EQUAL(9999, ntohs(options->destination.sin_port));
    LONGS_EQUAL(20000, options->count);
    LONGS_EQUAL(8000, options->ratePerSecond);
    LONGS_EQUAL(30000, options->firstSourcePort);
    LONGS_EQUAL(0, options->payloadBytes);
}

TEST(BurstOptions, NeedsADestination) {
    auto options = parseBurstOptions({"--count", "5"});
    CHECK_FALSE(options.ok());
    STRCMP_EQUAL("--to IP:PORT is required", options.error().message.c_str());
}

TEST(BurstOptions, RefusesASourcePortRangePast65535) {
    auto options = parseBurstOptions({"--to", "10.0.0.1:53", "--first-source-port", "60000", "--count", "5537"});
    CHECK_FALSE(options.ok());
    STRCMP_EQUAL("--first-source-port 60000 with --count 5537 runs past source port 65535",
                 options.error().message.c_str());
    CHECK_TRUE(parseBurstOptions({"--to", "10.0.0.1:53", "--first-source-port", "60000", "--count", "5536"}).ok());
}

TEST(BurstOptions, RefusesBadValues) {
    CHECK_FALSE(parseBurstOptions({"--to", "10.0.0.1"}).ok());
    CHECK_FALSE(parseBurstOptions({"--to", "host:53"}).ok());
    CHECK_FALSE(parseBurstOptions({"--to", "10.0.0.1:53", "--rate", "0"}).ok());
    CHECK_FALSE(parseBurstOptions({"--to", "10.0.0.1:53", "--count", "12x"}).ok());
    CHECK_FALSE(parseBurstOptions({"--to", "10.0.0.1:53", "--payload-bytes", "1401"}).ok());
    auto unknown = parseBurstOptions({"--to", "10.0.0.1:53", "--loud", "yes"});
    CHECK_FALSE(unknown.ok());
    STRCMP_EQUAL("--loud: unknown option", unknown.error().message.c_str());
}

TEST_GROUP(BurstSchedule){};

TEST(BurstSchedule, FirstIsDueAtOnceThenOnePerInterval) {
    LONGS_EQUAL(1, dueBy(0ns, 1000, 100));
    LONGS_EQUAL(1, dueBy(999us, 1000, 100));
    LONGS_EQUAL(2, dueBy(1ms, 1000, 100));
    LONGS_EQUAL(51, dueBy(50ms, 1000, 100));
}

TEST(BurstSchedule, NeverMoreThanTheCount) {
    LONGS_EQUAL(100, dueBy(10s, 1000, 100));
    LONGS_EQUAL(0, dueBy(10s, 1000, 0));
}

TEST(BurstSchedule, HighRatesOverLongTimesDoNotOverflow) {
    // 10^7/s over an hour: 3.6e10 datagrams due, past 32 bits, capped.
    LONGS_EQUAL(65535, dueBy(3600s, 10'000'000, 65535));
}

TEST_GROUP(UdpDatagram){};

TEST(UdpDatagram, CarriesPortsLengthAndAValidChecksum) {
    in_addr source{};
    inet_pton(AF_INET, "10.200.1.11", &source);
    sockaddr_in destination{};
    destination.sin_family = AF_INET;
    destination.sin_port = htons(9999);
    inet_pton(AF_INET, "10.200.1.10", &destination.sin_addr);

    auto datagram = udpDatagram(source, htons(30001), destination, 16);
    LONGS_EQUAL(24, datagram.size());
    LONGS_EQUAL(30001, datagram[0] << 8 | datagram[1]);
    LONGS_EQUAL(9999, datagram[2] << 8 | datagram[3]);
    LONGS_EQUAL(24, datagram[4] << 8 | datagram[5]);
    CHECK(datagram[6] != 0 || datagram[7] != 0);
    // Summed with its pseudo-header, a correct datagram folds to all ones.
    std::uint8_t pseudo[12] = {10, 200, 1, 11, 10, 200, 1, 10, 0, IPPROTO_UDP, 0, 24};
    LONGS_EQUAL(0, test::internetChecksum(datagram.data(), datagram.size(), test::onesComplementSum(pseudo, 12)));
}
