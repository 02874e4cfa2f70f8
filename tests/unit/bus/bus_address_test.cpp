#include <CppUTest/TestHarness.h>

#include "bus/bus_address.h"

using nodeplane::bus::unixSocketAddress;

TEST_GROUP(BusAddress){};

TEST(BusAddress, PlainPathsStayReadable) {
    STRCMP_EQUAL("unix:path=/run/nodeplane/control.sock", unixSocketAddress("/run/nodeplane/control.sock").c_str());
}

TEST(BusAddress, EscapesWhatTheAddressSyntaxReserves) {
    // ',' separates keys, ';' addresses, '=' key from value; spaces and
    // non-ASCII bytes are escaped too.
    STRCMP_EQUAL("unix:path=/tmp/a%2cb%3bc%3dd%20e%c3%a9", unixSocketAddress("/tmp/a,b;c=d e\xc3\xa9").c_str());
}
