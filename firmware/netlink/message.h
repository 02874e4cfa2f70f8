// Netlink messages as plain byte buffers: a builder that grows its own storage
// (so no request can overflow a fixed buffer) and an attribute index for
// parsers. Nothing here touches a socket, so both are unit-tested without root.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nodeplane::netlink {

class MessageBuilder {
public:
    // Starts a message of `type` with `flags` (NLM_F_REQUEST is the caller's
    // to give). Sequence number and port id stay 0: the socket stamps them.
    MessageBuilder(std::uint16_t type, std::uint16_t flags);

    // Appends the family header (ifinfomsg, rtmsg, ...). Call once, first.
    template <typename Header>
    void putHeader(const Header& header) {
        putHeaderBytes(&header, sizeof header);
    }

    void put(std::uint16_t attrType, const void* data, std::size_t length);
    void putU8(std::uint16_t attrType, std::uint8_t value) { put(attrType, &value, sizeof value); }
    void putU32(std::uint16_t attrType, std::uint32_t value) { put(attrType, &value, sizeof value); }
    // A NUL-terminated string attribute, as rtnetlink expects for names.
    void putString(std::uint16_t attrType, const std::string& value) {
        put(attrType, value.c_str(), value.size() + 1);
    }

    std::vector<std::uint8_t> take() &&;

private:
    nlmsghdr* header();
    void grow(std::size_t extraBytes);
    void putHeaderBytes(const void* data, std::size_t length);

    std::vector<std::uint8_t> buffer_;
};

// A message's attributes indexed by type; the last one of a type wins, types
// above maxType (newer kernels) are ignored. Points into the message, so it
// must not outlive it.
class Attributes {
public:
    // Attributes that follow the family header of `headerBytes` in `message`.
    static Attributes ofMessage(const nlmsghdr& message, std::size_t headerBytes, std::uint16_t maxType);
    // Attributes nested inside `parent`.
    static Attributes ofNested(const nlattr& parent, std::uint16_t maxType);

    const nlattr* get(std::uint16_t type) const;
    bool has(std::uint16_t type) const { return get(type) != nullptr; }

    // Typed reads; nullopt when absent or when the payload has the wrong size,
    // so a malformed message cannot make a parser read past an attribute.
    std::optional<std::uint8_t> u8(std::uint16_t type) const;
    std::optional<std::uint32_t> u32(std::uint16_t type) const;
    std::optional<std::string> string(std::uint16_t type) const;
    std::optional<std::vector<std::uint8_t>> bytes(std::uint16_t type) const;

private:
    explicit Attributes(std::uint16_t maxType) : byType_(maxType + 1u, nullptr) {}
    static int collect(const nlattr* attribute, void* self) noexcept;

    std::vector<const nlattr*> byType_;
};

// The family header of `message` when the payload is long enough to hold one.
template <typename Header>
const Header* familyHeader(const nlmsghdr& message) {
    if (message.nlmsg_len < NLMSG_LENGTH(sizeof(Header))) return nullptr;
    return static_cast<const Header*>(NLMSG_DATA(&message));
}

}  // namespace nodeplane::netlink
