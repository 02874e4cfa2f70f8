// The pod's own service account, as client-go's rest.InClusterConfig finds
// it: the API server's service address from the environment the kubelet sets,
// the cluster CA and a token the kubelet rotates in place (so it is read
// again before every request).
#include <cstdlib>

#include "kube/credentials.h"
#include "kube/server_url.h"
#include "kube/text_file.h"

namespace nodeplane::kube {

Result<Credentials> inClusterCredentials(const InClusterPaths& paths) {
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    if (!host || !*host || !port || !*port)
        return Error::logical(
            "Not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set");
    std::string h = host;
    // An IPv6 service address needs brackets in a URL.
    if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
    auto server = normalizeServerUrl("https://" + h + ":" + port);
    if (!server) return server.error();
    auto token = readTextFile(paths.tokenFile, "service account token");
    if (!token) return token.error();
    if (trimmedLine(*token).empty()) return Error::logical("Service account token " + paths.tokenFile + " is empty");
    auto ca = readTextFile(paths.caFile, "service account CA");
    if (!ca) return ca.error();

    Credentials out;
    out.server = *server;
    out.caFile = paths.caFile;
    out.tokenFile = paths.tokenFile;
    out.describe = "in-cluster service account";
    return out;
}

}  // namespace nodeplane::kube
