// Readable test packets: PacketBuilder().eth(a, b).ipv4("10.0.0.1", "10.0.0.2").tcp(1234, 80).payload("hi")
// gives the frame's bytes with lengths and checksums filled in. Deliberate
// damage (a wrong IHL, a total length past the frame, a cut) is asked for by
// name, so a malformed packet says how it is malformed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nodeplane::test {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;

// "02:00:00:00:00:01"; throws std::invalid_argument on anything else.
Mac parseMac(std::string_view text);
std::string formatMac(const Mac& mac);

namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
}  // namespace tcp_flags

class PacketBuilder {
public:
    PacketBuilder& eth(const Mac& src, const Mac& dst);
    PacketBuilder& eth(std::string_view src, std::string_view dst) { return eth(parseMac(src), parseMac(dst)); }

    // Addresses as text; throw std::invalid_argument when they do not parse.
    PacketBuilder& ipv4(std::string_view src, std::string_view dst, std::uint8_t ttl = 64);
    PacketBuilder& ipv6(std::string_view src, std::string_view dst, std::uint8_t hopLimit = 64);
    // An ARP request (Ethernet/IPv4) from sender to target; no IP layer.
    PacketBuilder& arpRequest(const Mac& senderMac, std::string_view senderIp, std::string_view targetIp);

    PacketBuilder& tcp(std::uint16_t srcPort, std::uint16_t dstPort, std::uint8_t flags = tcp_flags::kSyn);
    // Sequence and acknowledgment numbers of the TCP segment (default 1, and
    // 1 when ACK is set, else 0).
    PacketBuilder& tcpNumbers(std::uint32_t seq, std::uint32_t ack);
    PacketBuilder& udp(std::uint16_t srcPort, std::uint16_t dstPort);
    PacketBuilder& icmpEcho(std::uint16_t id, std::uint16_t sequence);
    // An ICMPv4 error (destination unreachable = 3, time exceeded = 11, ...);
    // the quote of the offending packet goes in as the payload.
    PacketBuilder& icmpError(std::uint8_t type, std::uint8_t code);

    PacketBuilder& payload(std::string_view text);
    PacketBuilder& payload(const Bytes& bytes);

    // Damage, applied while building; the IPv4 checksum is computed over the
    // damaged header so that only the named field is wrong.
    PacketBuilder& ipv4HeaderWords(std::uint8_t ihl);    // IHL field (5 = no options)
    PacketBuilder& ipv4Version(std::uint8_t version);    // version field
    PacketBuilder& ipv4TotalLength(std::uint16_t bytes); // total length field
    PacketBuilder& ipv4Options(const Bytes& options);    // real options; IHL follows
    PacketBuilder& truncateTo(std::size_t bytes);        // cut the finished frame

    Bytes build() const;

private:
    enum class L3 { None, Ipv4, Ipv6, Arp };
    enum class L4 { None, Tcp, Udp, IcmpEcho };

    std::size_t l4Length() const;  // L4 header and payload
    Bytes buildL4(const Bytes& pseudoHeader) const;
    Bytes buildIpv4() const;
    Bytes buildIpv6() const;
    Bytes buildArp() const;

    Mac ethSrc_{}, ethDst_{};
    bool hasEth_ = false;
    L3 l3_ = L3::None;
    L4 l4_ = L4::None;
    std::array<std::uint8_t, 16> src_{}, dst_{};
    std::uint8_t ttl_ = 64;
    Mac arpSenderMac_{};
    std::uint16_t srcPort_ = 0, dstPort_ = 0;
    std::uint8_t tcpFlags_ = 0;
    std::optional<std::uint32_t> tcpSeq_;
    std::optional<std::uint32_t> tcpAck_;
    std::uint16_t icmpId_ = 0, icmpSequence_ = 0;
    std::uint8_t icmpType_ = 8, icmpCode_ = 0;
    Bytes payload_;
    Bytes ipv4Options_;
    std::optional<std::uint8_t> ihl_, version_;
    std::optional<std::uint16_t> totalLength_;
    std::optional<std::size_t> truncate_;
};

}  // namespace nodeplane::test
