#include "kube/server_url.h"

namespace nodeplane::kube {

Result<std::string> normalizeServerUrl(const std::string& url) {
    constexpr std::string_view kScheme = "https://";
    if (url.compare(0, kScheme.size(), kScheme) != 0)
        return Error::logical("'" + url + "' is not an https:// URL; the API server is only reached over TLS");
    std::string out = url;
    while (out.size() > kScheme.size() && out.back() == '/') out.pop_back();
    if (out.size() == kScheme.size()) return Error::logical("'" + url + "' names no host");
    return out;
}

}  // namespace nodeplane::kube
