#include "udp_datagram.h"

#include <netinet/udp.h>

#include <cstring>

#include "support/checksum.h"

namespace nodeplane::burst {

std::vector<std::uint8_t> udpDatagram(in_addr source, std::uint16_t sourcePort, const sockaddr_in& destination,
                                      std::uint32_t payloadBytes) {
    const std::size_t length = sizeof(udphdr) + payloadBytes;
    std::vector<std::uint8_t> datagram(length);
    for (std::size_t i = sizeof(udphdr); i < length; ++i) datagram[i] = static_cast<std::uint8_t>('a' + i % 26);

    udphdr header{};
    header.source = sourcePort;
    header.dest = destination.sin_port;
    header.len = htons(static_cast<std::uint16_t>(length));
    std::memcpy(datagram.data(), &header, sizeof header);

    // RFC 768 pseudo-header: source, destination, zero, protocol, UDP length.
    std::uint8_t pseudo[12] = {};
    std::memcpy(pseudo, &source, 4);
    std::memcpy(pseudo + 4, &destination.sin_addr, 4);
    pseudo[9] = IPPROTO_UDP;
    std::memcpy(pseudo + 10, &header.len, 2);
    std::uint16_t checksum =
        test::internetChecksum(datagram.data(), length, test::onesComplementSum(pseudo, sizeof pseudo));
    // A computed 0 is sent as all ones: 0 means "no checksum" in UDP over IPv4.
    if (checksum == 0) checksum = 0xffff;
    const std::uint16_t wire = htons(checksum);
    std::memcpy(datagram.data() + offsetof(udphdr, check), &wire, 2);
    return datagram;
}

}  // namespace nodeplane::burst
