#include <CppUTest/TestHarness.h>
#include <linux/rtnetlink.h>

#include <string>

#include "netlink/message.h"
#include "test_messages.h"

using namespace nodeplane::netlink;
using nodeplane::netlink::test::decode;
using nodeplane::netlink::test::TestMessage;

TEST_GROUP(MessageBuilder) {};

TEST(MessageBuilder, LaysOutHeaderFamilyHeaderAndAlignedAttributes) {
    MessageBuilder builder(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
    ifinfomsg header{};
    header.ifi_index = 42;
    builder.putHeader(header);
    builder.putString(IFLA_IFNAME, "np-a");  // 5 bytes with NUL: padded to 8
    builder.putU8(IFLA_OPERSTATE, 6);
    auto bytes = std::move(builder).take();

    const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
    LONGS_EQUAL(RTM_NEWLINK, nlh->nlmsg_type);
    LONGS_EQUAL(NLM_F_REQUEST | NLM_F_ACK, nlh->nlmsg_flags);
    // 16 header + 16 ifinfomsg + (4 + 5 -> 12) + (4 + 1 -> 8)
    LONGS_EQUAL(52, bytes.size());
    LONGS_EQUAL(52, nlh->nlmsg_len);
    LONGS_EQUAL(42, reinterpret_cast<const ifinfomsg*>(NLMSG_DATA(nlh))->ifi_index);
    auto decoded = decode(bytes, sizeof(ifinfomsg));
    CHECK_TRUE(decoded.complete);
    STRCMP_EQUAL("np-a", reinterpret_cast<const char*>(decoded.attributes.at(IFLA_IFNAME).data()));
    LONGS_EQUAL(6, decoded.attributes.at(IFLA_OPERSTATE).at(0));
}

TEST(MessageBuilder, GrowsPastAnyFixedBuffer) {
    MessageBuilder builder(RTM_NEWLINK, NLM_F_REQUEST);
    builder.putHeader(ifinfomsg{});
    std::string big(3000, 'x');
    for (std::uint16_t type = 1; type <= 10; ++type) builder.putString(type, big);
    auto bytes = std::move(builder).take();
    auto decoded = decode(bytes, sizeof(ifinfomsg));
    CHECK_TRUE(decoded.complete);
    LONGS_EQUAL(10, decoded.attributes.size());
    LONGS_EQUAL(3001, decoded.attributes.at(10).size());
}

TEST_GROUP(Attributes) {};

TEST(Attributes, TypedReadsRefusePayloadsOfTheWrongSize) {
    TestMessage m(RTM_NEWLINK);
    m.header<ifinfomsg>();
    mnl_attr_put_u8(m.nlh(), IFLA_MTU, 1);          // u32 expected
    mnl_attr_put_u32(m.nlh(), IFLA_OPERSTATE, 6);   // u8 expected
    mnl_attr_put_u32(m.nlh(), IFLA_TXQLEN, 1000);
    auto attributes = Attributes::ofMessage(m.get(), sizeof(ifinfomsg), IFLA_MAX);
    CHECK_FALSE(attributes.u32(IFLA_MTU).has_value());
    CHECK_FALSE(attributes.u8(IFLA_OPERSTATE).has_value());
    LONGS_EQUAL(1000, *attributes.u32(IFLA_TXQLEN));
    CHECK_FALSE(attributes.has(IFLA_IFNAME));
}

TEST(Attributes, TypesAboveTheMaximumAreIgnored) {
    TestMessage m(RTM_NEWLINK);
    m.header<ifinfomsg>();
    mnl_attr_put_u32(m.nlh(), IFLA_MAX + 5, 1);
    mnl_attr_put_u32(m.nlh(), IFLA_MTU, 9000);
    auto attributes = Attributes::ofMessage(m.get(), sizeof(ifinfomsg), IFLA_MAX);
    CHECK_FALSE(attributes.has(IFLA_MAX + 5));
    LONGS_EQUAL(9000, *attributes.u32(IFLA_MTU));
}

TEST(Attributes, AnAttributeOverrunningTheMessageIsNotRead) {
    TestMessage m(RTM_NEWLINK);
    m.header<ifinfomsg>();
    mnl_attr_put_u32(m.nlh(), IFLA_MTU, 9000);
    mnl_attr_put_strz(m.nlh(), IFLA_IFNAME, "eth0");
    m.nlh()->nlmsg_len -= 4;  // cut into the name attribute
    auto attributes = Attributes::ofMessage(m.get(), sizeof(ifinfomsg), IFLA_MAX);
    LONGS_EQUAL(9000, *attributes.u32(IFLA_MTU));
    CHECK_FALSE(attributes.has(IFLA_IFNAME));
}
