// Conversions between the service tables' plain values and the ABI structs.
// Pure, so they are unit-tested without root.
#pragma once

#include "common/result.h"
#include "datapath/abi.h"
#include "datapath/service_types.h"

namespace nodeplane::datapath {

np_service_key encodeFrontendKey(const FrontendKey& key);
Result<FrontendKey> decodeFrontendKey(const np_service_key& key);

// backend_count, active_half and slot_base are the caller's (the set's state).
np_service_value encodeFrontendValue(const FrontendValue& value, std::uint32_t backendCount, std::uint8_t activeHalf,
                                     std::uint32_t slotBase = 0);
FrontendEntry decodeFrontendValue(const np_service_value& value);

// id is the caller's (0: as a free array entry would hold it).
np_backend encodeBackend(const Backend& backend, BackendId id = 0);
Result<Backend> decodeBackend(const np_backend& backend);

np_rev_nat encodeRevNat(const RevNatTarget& target);
Result<RevNatTarget> decodeRevNat(const np_rev_nat& target);

// An address as the maps store it (family byte, 16 bytes); decoding fails on
// an unknown family.
std::uint8_t familyByte(const IpAddress& address);
Result<IpAddress> decodeAddress(std::uint8_t family, const std::uint8_t (&bytes)[16], const char* mapName);

}  // namespace nodeplane::datapath
