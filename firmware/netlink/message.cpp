#include "netlink/message.h"

#include <libmnl/libmnl.h>

#include <cstring>

namespace nodeplane::netlink {

MessageBuilder::MessageBuilder(std::uint16_t type, std::uint16_t flags) {
    buffer_.resize(MNL_NLMSG_HDRLEN);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer_.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
}

nlmsghdr* MessageBuilder::header() { return reinterpret_cast<nlmsghdr*>(buffer_.data()); }

// libmnl writes at nlmsg_len without bounds; make room first. Resizing may
// move the storage, so header() is re-read after every grow().
void MessageBuilder::grow(std::size_t extraBytes) {
    buffer_.resize(header()->nlmsg_len + MNL_ALIGN(extraBytes));
}

void MessageBuilder::putHeaderBytes(const void* data, std::size_t length) {
    grow(length);
    void* extra = mnl_nlmsg_put_extra_header(header(), length);
    std::memcpy(extra, data, length);
}

void MessageBuilder::put(std::uint16_t attrType, const void* data, std::size_t length) {
    grow(MNL_ATTR_HDRLEN + length);
    mnl_attr_put(header(), attrType, length, data);
}

std::vector<std::uint8_t> MessageBuilder::take() && {
    buffer_.resize(header()->nlmsg_len);
    return std::move(buffer_);
}

int Attributes::collect(const nlattr* attribute, void* self) noexcept {
    auto* attributes = static_cast<Attributes*>(self);
    std::uint16_t type = mnl_attr_get_type(attribute);
    if (type < attributes->byType_.size()) attributes->byType_[type] = attribute;
    return MNL_CB_OK;
}

Attributes Attributes::ofMessage(const nlmsghdr& message, std::size_t headerBytes, std::uint16_t maxType) {
    Attributes attributes(maxType);
    if (message.nlmsg_len >= NLMSG_LENGTH(headerBytes))
        mnl_attr_parse(&message, MNL_ALIGN(headerBytes), &Attributes::collect, &attributes);
    return attributes;
}

Attributes Attributes::ofNested(const nlattr& parent, std::uint16_t maxType) {
    Attributes attributes(maxType);
    mnl_attr_parse_nested(&parent, &Attributes::collect, &attributes);
    return attributes;
}

const nlattr* Attributes::get(std::uint16_t type) const {
    return type < byType_.size() ? byType_[type] : nullptr;
}

std::optional<std::uint8_t> Attributes::u8(std::uint16_t type) const {
    const nlattr* a = get(type);
    if (!a || mnl_attr_validate(a, MNL_TYPE_U8) < 0) return std::nullopt;
    return mnl_attr_get_u8(a);
}

std::optional<std::uint32_t> Attributes::u32(std::uint16_t type) const {
    const nlattr* a = get(type);
    if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0) return std::nullopt;
    return mnl_attr_get_u32(a);
}

std::optional<std::string> Attributes::string(std::uint16_t type) const {
    const nlattr* a = get(type);
    if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0) return std::nullopt;
    return std::string(mnl_attr_get_str(a));
}

std::optional<std::vector<std::uint8_t>> Attributes::bytes(std::uint16_t type) const {
    const nlattr* a = get(type);
    if (!a) return std::nullopt;
    const auto* payload = static_cast<const std::uint8_t*>(mnl_attr_get_payload(a));
    return std::vector<std::uint8_t>(payload, payload + mnl_attr_get_payload_len(a));
}

}  // namespace nodeplane::netlink
