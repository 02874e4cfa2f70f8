// One UDP datagram (header and payload, no IP header) as a raw IPv4 socket
// sends it: the kernel adds the IP header, we give the checksum, computed
// over the pseudo-header so the receiving stack accepts the datagram.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <vector>

namespace nodeplane::burst {

// Addresses and ports in network order, as in sockaddr_in; the payload is
// `payloadBytes` of a repeating pattern.
std::vector<std::uint8_t> udpDatagram(in_addr source, std::uint16_t sourcePort, const sockaddr_in& destination,
                                      std::uint32_t payloadBytes);

}  // namespace nodeplane::burst
