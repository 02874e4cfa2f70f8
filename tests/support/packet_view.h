// Reads back what a program produced, for assertions: Ethernet, IPv4 and the
// L4 header, with checksum checks. Accessors throw std::out_of_range when the
// frame is too short for the field, which a test reports as a failure.
#pragma once

#include <cstdint>
#include <string>

#include "support/packet_builder.h"

namespace nodeplane::test {

class PacketView {
public:
    explicit PacketView(Bytes frame) : frame_(std::move(frame)) {}

    const Bytes& bytes() const { return frame_; }
    std::size_t size() const { return frame_.size(); }

    Mac ethSrc() const;
    Mac ethDst() const;
    std::uint16_t ethType() const;
    bool isIpv4() const { return frame_.size() >= 34 && ethType() == 0x0800; }

    // IPv4 fields; the frame must be IPv4.
    std::string ipv4Src() const;
    std::string ipv4Dst() const;
    std::uint8_t ttl() const;
    std::uint8_t protocol() const;
    std::uint16_t totalLength() const;
    std::size_t ipv4HeaderLength() const;
    bool ipv4ChecksumValid() const;
    // TCP/UDP (with the pseudo-header) or ICMP checksum over the IP payload.
    bool l4ChecksumValid() const;
    std::uint16_t srcPort() const;
    std::uint16_t dstPort() const;

private:
    std::uint8_t at(std::size_t offset) const { return frame_.at(offset); }
    std::uint16_t be16(std::size_t offset) const;
    std::string ipv4At(std::size_t offset) const;
    std::size_t l4Offset() const { return 14 + ipv4HeaderLength(); }

    Bytes frame_;
};

}  // namespace nodeplane::test
