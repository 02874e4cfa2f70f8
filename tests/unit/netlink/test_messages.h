// Netlink messages for tests, made with libmnl directly rather than with our
// MessageBuilder, so the parsers are checked against an independent encoder
// and the builders against an independent decoder.
#pragma once

#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace nodeplane::netlink::test {

// A message as the kernel would send it: nlmsghdr, family header, attributes.
class TestMessage {
public:
    explicit TestMessage(std::uint16_t type, std::uint16_t flags = 0) : buffer_(8192, 0) {
        nlh_ = mnl_nlmsg_put_header(buffer_.data());
        nlh_->nlmsg_type = type;
        nlh_->nlmsg_flags = flags;
    }
    template <typename Header>
    Header* header() {
        return static_cast<Header*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(Header)));
    }
    nlmsghdr* nlh() { return nlh_; }
    const nlmsghdr& get() const { return *nlh_; }

private:
    std::vector<std::uint8_t> buffer_;
    nlmsghdr* nlh_;
};

// The attributes following `headerBytes` of family header, as type -> payload.
// `complete` is false when the attributes do not exactly fill the message.
struct Decoded {
    std::map<std::uint16_t, std::vector<std::uint8_t>> attributes;
    bool complete = false;

    bool has(std::uint16_t type) const { return attributes.count(type) != 0; }
    std::uint32_t u32(std::uint16_t type) const {
        std::uint32_t value = 0;
        const auto& bytes = attributes.at(type);
        if (bytes.size() == sizeof value) std::memcpy(&value, bytes.data(), sizeof value);
        return value;
    }
};

inline Decoded decode(const std::vector<std::uint8_t>& message, std::size_t headerBytes) {
    Decoded out;
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(message.data());
    std::size_t consumed = MNL_NLMSG_HDRLEN + MNL_ALIGN(headerBytes);
    const char* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(nlh));
    for (const auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, headerBytes));
         mnl_attr_ok(attr, static_cast<int>(tail - reinterpret_cast<const char*>(attr))); attr = mnl_attr_next(attr)) {
        const auto* payload = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
        out.attributes[mnl_attr_get_type(attr)] =
            std::vector<std::uint8_t>(payload, payload + mnl_attr_get_payload_len(attr));
        consumed += MNL_ALIGN(mnl_attr_get_len(attr));
    }
    out.complete = consumed == message.size() && nlh->nlmsg_len == message.size();
    return out;
}

inline std::vector<std::uint8_t> bytesOf(const std::string& address) {
    std::vector<std::uint8_t> out(16);
    int family = address.find(':') == std::string::npos ? AF_INET : AF_INET6;
    inet_pton(family, address.c_str(), out.data());
    out.resize(family == AF_INET ? 4 : 16);
    return out;
}

}  // namespace nodeplane::netlink::test
