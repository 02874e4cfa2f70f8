// The bearer token of a request. A token file is read again every time
// because the kubelet rotates projected service account tokens in place
// (about hourly); a token read once at start would expire under us.
#include "kube/credentials.h"
#include "kube/text_file.h"

namespace nodeplane::kube {

Result<std::string> currentToken(const Credentials& credentials) {
    if (!credentials.token.empty()) return credentials.token;
    if (credentials.tokenFile.empty()) return std::string{};
    auto token = readTextFile(credentials.tokenFile, "token file");
    if (!token) return token.error();
    return trimmedLine(std::move(*token));
}

}  // namespace nodeplane::kube
