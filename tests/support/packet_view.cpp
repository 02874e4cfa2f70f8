#include "support/packet_view.h"

#include <arpa/inet.h>

#include <stdexcept>

#include "support/checksum.h"

namespace nodeplane::test {

namespace {
constexpr std::size_t kL3 = 14;  // untagged Ethernet
}

std::uint16_t PacketView::be16(std::size_t offset) const {
    return static_cast<std::uint16_t>(at(offset) << 8 | at(offset + 1));
}

std::string PacketView::ipv4At(std::size_t offset) const {
    std::uint8_t raw[4] = {at(offset), at(offset + 1), at(offset + 2), at(offset + 3)};
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, raw, buf, sizeof buf);
    return buf;
}

Mac PacketView::ethDst() const {
    Mac mac{};
    for (std::size_t i = 0; i < 6; ++i) mac[i] = at(i);
    return mac;
}

Mac PacketView::ethSrc() const {
    Mac mac{};
    for (std::size_t i = 0; i < 6; ++i) mac[i] = at(6 + i);
    return mac;
}

std::uint16_t PacketView::ethType() const { return be16(12); }

std::string PacketView::ipv4Src() const { return ipv4At(kL3 + 12); }
std::string PacketView::ipv4Dst() const { return ipv4At(kL3 + 16); }
std::uint8_t PacketView::ttl() const { return at(kL3 + 8); }
std::uint8_t PacketView::protocol() const { return at(kL3 + 9); }
std::uint16_t PacketView::totalLength() const { return be16(kL3 + 2); }
std::size_t PacketView::ipv4HeaderLength() const { return static_cast<std::size_t>(at(kL3) & 0x0f) * 4; }

bool PacketView::ipv4ChecksumValid() const {
    const std::size_t len = ipv4HeaderLength();
    if (len < 20 || kL3 + len > frame_.size()) throw std::out_of_range("IPv4 header does not fit the frame");
    // A header with a correct checksum sums to 0xffff (checksum included).
    return onesComplementSum(frame_.data() + kL3, len) == 0xffff;
}

bool PacketView::l4ChecksumValid() const {
    const std::size_t start = l4Offset();
    const std::size_t end = kL3 + totalLength();
    if (end > frame_.size() || start > end) throw std::out_of_range("IPv4 payload does not fit the frame");
    const std::size_t len = end - start;
    std::uint32_t sum = 0;
    if (protocol() != 1) {  // TCP and UDP sum a pseudo-header first; ICMP does not
        Bytes pseudo(frame_.begin() + kL3 + 12, frame_.begin() + kL3 + 20);
        pseudo.push_back(0);
        pseudo.push_back(protocol());
        pseudo.push_back(static_cast<std::uint8_t>(len >> 8));
        pseudo.push_back(static_cast<std::uint8_t>(len & 0xff));
        sum = onesComplementSum(pseudo.data(), pseudo.size());
    }
    return onesComplementSum(frame_.data() + start, len, sum) == 0xffff;
}

std::uint16_t PacketView::srcPort() const { return be16(l4Offset()); }
std::uint16_t PacketView::dstPort() const { return be16(l4Offset() + 2); }

}  // namespace nodeplane::test
