#include "support/packet_builder.h"

#include <arpa/inet.h>

#include <cstdio>
#include <stdexcept>

#include "support/checksum.h"

namespace nodeplane::test {

namespace {

constexpr std::uint16_t kEthIpv4 = 0x0800;
constexpr std::uint16_t kEthArp = 0x0806;
constexpr std::uint16_t kEthIpv6 = 0x86dd;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoExperimental = 253;  // RFC 3692: for testing

void put16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

void put32(Bytes& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

void set16(Bytes& out, std::size_t offset, std::uint16_t v) {
    out.at(offset) = static_cast<std::uint8_t>(v >> 8);
    out.at(offset + 1) = static_cast<std::uint8_t>(v & 0xff);
}

template <std::size_t N>
void putBytes(Bytes& out, const std::array<std::uint8_t, N>& bytes, std::size_t count = N) {
    out.insert(out.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count));
}

std::array<std::uint8_t, 16> parseAddress(std::string_view text, int family) {
    std::array<std::uint8_t, 16> out{};
    std::string s(text);
    if (::inet_pton(family, s.c_str(), out.data()) != 1)
        throw std::invalid_argument("not an " + std::string(family == AF_INET ? "IPv4" : "IPv6") +
                                    " address: '" + s + "'");
    return out;
}

}  // namespace

Mac parseMac(std::string_view text) {
    Mac mac{};
    unsigned b[6];
    char tail = 0;
    std::string s(text);
    if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
        throw std::invalid_argument("not a MAC address: '" + s + "'");
    for (int i = 0; i < 6; ++i) mac[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(b[i]);
    return mac;
}

std::string formatMac(const Mac& mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return buf;
}

PacketBuilder& PacketBuilder::eth(const Mac& src, const Mac& dst) {
    ethSrc_ = src;
    ethDst_ = dst;
    hasEth_ = true;
    return *this;
}

PacketBuilder& PacketBuilder::ipv4(std::string_view src, std::string_view dst, std::uint8_t ttl) {
    l3_ = L3::Ipv4;
    src_ = parseAddress(src, AF_INET);
    dst_ = parseAddress(dst, AF_INET);
    ttl_ = ttl;
    return *this;
}

PacketBuilder& PacketBuilder::ipv6(std::string_view src, std::string_view dst, std::uint8_t hopLimit) {
    l3_ = L3::Ipv6;
    src_ = parseAddress(src, AF_INET6);
    dst_ = parseAddress(dst, AF_INET6);
    ttl_ = hopLimit;
    return *this;
}

PacketBuilder& PacketBuilder::arpRequest(const Mac& senderMac, std::string_view senderIp, std::string_view targetIp) {
    l3_ = L3::Arp;
    arpSenderMac_ = senderMac;
    src_ = parseAddress(senderIp, AF_INET);
    dst_ = parseAddress(targetIp, AF_INET);
    return *this;
}

PacketBuilder& PacketBuilder::tcp(std::uint16_t srcPort, std::uint16_t dstPort, std::uint8_t flags) {
    l4_ = L4::Tcp;
    srcPort_ = srcPort;
    dstPort_ = dstPort;
    tcpFlags_ = flags;
    return *this;
}

PacketBuilder& PacketBuilder::tcpNumbers(std::uint32_t seq, std::uint32_t ack) {
    tcpSeq_ = seq;
    tcpAck_ = ack;
    return *this;
}

PacketBuilder& PacketBuilder::udp(std::uint16_t srcPort, std::uint16_t dstPort) {
    l4_ = L4::Udp;
    srcPort_ = srcPort;
    dstPort_ = dstPort;
    return *this;
}

PacketBuilder& PacketBuilder::icmpEcho(std::uint16_t id, std::uint16_t sequence) {
    l4_ = L4::IcmpEcho;
    icmpId_ = id;
    icmpSequence_ = sequence;
    return *this;
}

PacketBuilder& PacketBuilder::icmpError(std::uint8_t type, std::uint8_t code) {
    l4_ = L4::IcmpEcho;  // the same 8-byte header layout
    icmpType_ = type;
    icmpCode_ = code;
    icmpId_ = icmpSequence_ = 0;
    return *this;
}

PacketBuilder& PacketBuilder::payload(std::string_view text) {
    payload_.assign(text.begin(), text.end());
    return *this;
}

PacketBuilder& PacketBuilder::payload(const Bytes& bytes) {
    payload_ = bytes;
    return *this;
}

PacketBuilder& PacketBuilder::ipv4HeaderWords(std::uint8_t ihl) {
    ihl_ = ihl;
    return *this;
}

PacketBuilder& PacketBuilder::ipv4Version(std::uint8_t version) {
    version_ = version;
    return *this;
}

PacketBuilder& PacketBuilder::ipv4TotalLength(std::uint16_t bytes) {
    totalLength_ = bytes;
    return *this;
}

PacketBuilder& PacketBuilder::ipv4Options(const Bytes& options) {
    if (options.size() % 4 != 0 || options.size() > 40)
        throw std::invalid_argument("IPv4 options must be whole 32-bit words, at most 40 bytes");
    ipv4Options_ = options;
    return *this;
}

PacketBuilder& PacketBuilder::truncateTo(std::size_t bytes) {
    truncate_ = bytes;
    return *this;
}

Bytes PacketBuilder::buildL4(const Bytes& pseudoHeader) const {
    Bytes l4;
    std::size_t checksumAt = 0;
    bool pseudo = true;
    switch (l4_) {
    case L4::None: return payload_;
    case L4::Tcp:
        put16(l4, srcPort_);
        put16(l4, dstPort_);
        put32(l4, tcpSeq_.value_or(1));
        put32(l4, tcpAck_.value_or((tcpFlags_ & tcp_flags::kAck) ? 1 : 0));
        l4.push_back(5 << 4);  // data offset: 20 bytes, no options
        l4.push_back(tcpFlags_);
        put16(l4, 65535);  // window
        put16(l4, 0);      // checksum, below
        put16(l4, 0);      // urgent pointer
        checksumAt = 16;
        break;
    case L4::Udp:
        put16(l4, srcPort_);
        put16(l4, dstPort_);
        put16(l4, static_cast<std::uint16_t>(8 + payload_.size()));
        put16(l4, 0);
        checksumAt = 6;
        break;
    case L4::IcmpEcho:
        l4.push_back(icmpType_);  // 8: echo request, unless icmpError() set another
        l4.push_back(icmpCode_);
        put16(l4, 0);
        put16(l4, icmpId_);  // 0 for an error: its "unused" word
        put16(l4, icmpSequence_);
        checksumAt = 2;
        pseudo = false;  // ICMPv4 covers only itself
        break;
    }
    l4.insert(l4.end(), payload_.begin(), payload_.end());

    Bytes covered = pseudo ? pseudoHeader : Bytes{};
    covered.insert(covered.end(), l4.begin(), l4.end());
    std::uint16_t sum = internetChecksum(covered.data(), covered.size());
    if (l4_ == L4::Udp && sum == 0) sum = 0xffff;  // 0 means "no checksum" in UDP
    set16(l4, checksumAt, sum);
    return l4;
}

std::size_t PacketBuilder::l4Length() const {
    switch (l4_) {
    case L4::None: break;
    case L4::Tcp: return 20 + payload_.size();
    case L4::Udp: return 8 + payload_.size();
    case L4::IcmpEcho: return 8 + payload_.size();
    }
    return payload_.size();
}

Bytes PacketBuilder::buildIpv4() const {
    const std::uint8_t proto = l4_ == L4::Tcp ? kProtoTcp
                               : l4_ == L4::Udp ? kProtoUdp
                               : l4_ == L4::IcmpEcho ? kProtoIcmp
                                                    : kProtoExperimental;
    Bytes pseudo;
    putBytes(pseudo, src_, 4);
    putBytes(pseudo, dst_, 4);
    pseudo.push_back(0);
    pseudo.push_back(proto);
    put16(pseudo, static_cast<std::uint16_t>(l4Length()));
    const Bytes l4 = buildL4(pseudo);

    const std::size_t headerLen = 20 + ipv4Options_.size();
    Bytes ip;
    const std::uint8_t version = version_.value_or(4);
    const std::uint8_t ihl = ihl_.value_or(static_cast<std::uint8_t>(headerLen / 4));
    ip.push_back(static_cast<std::uint8_t>(version << 4 | (ihl & 0x0f)));
    ip.push_back(0);  // DSCP/ECN
    put16(ip, totalLength_.value_or(static_cast<std::uint16_t>(headerLen + l4.size())));
    put16(ip, 0);       // identification
    put16(ip, 0x4000);  // don't fragment
    ip.push_back(ttl_);
    ip.push_back(proto);
    put16(ip, 0);  // checksum, below
    putBytes(ip, src_, 4);
    putBytes(ip, dst_, 4);
    ip.insert(ip.end(), ipv4Options_.begin(), ipv4Options_.end());
    set16(ip, 10, internetChecksum(ip.data(), ip.size()));
    ip.insert(ip.end(), l4.begin(), l4.end());
    return ip;
}

Bytes PacketBuilder::buildIpv6() const {
    const std::uint8_t next = l4_ == L4::Tcp ? kProtoTcp : l4_ == L4::Udp ? kProtoUdp : 59;  // 59: no next header
    if (l4_ == L4::IcmpEcho) throw std::logic_error("icmpEcho() is ICMPv4; IPv6 echo is not built yet");
    Bytes pseudo;
    putBytes(pseudo, src_);
    putBytes(pseudo, dst_);
    put32(pseudo, static_cast<std::uint32_t>(l4Length()));
    put32(pseudo, next);  // three zero bytes, then the next header
    const Bytes l4 = buildL4(pseudo);

    Bytes ip;
    put32(ip, 0x60000000);  // version 6, no traffic class or flow label
    put16(ip, static_cast<std::uint16_t>(l4.size()));
    ip.push_back(next);
    ip.push_back(ttl_);
    putBytes(ip, src_);
    putBytes(ip, dst_);
    ip.insert(ip.end(), l4.begin(), l4.end());
    return ip;
}

Bytes PacketBuilder::buildArp() const {
    Bytes arp;
    put16(arp, 1);  // hardware: Ethernet
    put16(arp, kEthIpv4);
    arp.push_back(6);
    arp.push_back(4);
    put16(arp, 1);  // request
    putBytes(arp, arpSenderMac_);
    putBytes(arp, src_, 4);
    putBytes(arp, Mac{});  // target hardware address: unknown
    putBytes(arp, dst_, 4);
    return arp;
}

Bytes PacketBuilder::build() const {
    if (!hasEth_) throw std::logic_error("PacketBuilder: eth() is required");
    Bytes l3;
    std::uint16_t type = 0;
    switch (l3_) {
    case L3::None: throw std::logic_error("PacketBuilder: no network layer (ipv4(), ipv6() or arpRequest())");
    case L3::Ipv4: l3 = buildIpv4(); type = kEthIpv4; break;
    case L3::Ipv6: l3 = buildIpv6(); type = kEthIpv6; break;
    case L3::Arp: l3 = buildArp(); type = kEthArp; break;
    }
    Bytes frame;
    putBytes(frame, ethDst_);
    putBytes(frame, ethSrc_);
    put16(frame, type);
    frame.insert(frame.end(), l3.begin(), l3.end());
    if (truncate_ && *truncate_ < frame.size()) frame.resize(*truncate_);
    return frame;
}

}  // namespace nodeplane::test
