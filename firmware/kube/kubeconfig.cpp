// The current context of a kubeconfig, read the way kubectl reads it
// (k8s.io/client-go/tools/clientcmd/api/v1): contexts name a cluster and a
// user; *-data fields carry base64 PEM inline; file paths are relative to the
// kubeconfig's own directory.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>

#include "kube/credentials.h"
#include "kube/server_url.h"

namespace nodeplane::kube {

namespace {

class KubeconfigReader {
public:
    explicit KubeconfigReader(std::string path) : path_(std::move(path)) {
        directory_ = std::filesystem::path(path_).parent_path();
    }

    Error fail(const std::string& key, const std::string& what) const {
        return Error::logical("kubeconfig " + path_ + ": key '" + key + "': " + what);
    }

    // The entry of `listKey` (contexts, clusters, users) with that name, and its `field` map.
    Result<YAML::Node> named(const YAML::Node& root, const std::string& listKey, const std::string& name,
                             const std::string& field) const {
        YAML::Node list = root[listKey];
        if (list && !list.IsSequence()) return fail(listKey, "expected a list");
        if (list) {
            for (std::size_t i = 0; i < list.size(); ++i) {
                YAML::Node entry = list[i];
                if (!entry.IsMap() || !entry["name"] || entry["name"].Scalar() != name) continue;
                YAML::Node inner = entry[field];
                std::string where = listKey + "[name=" + name + "]." + field;
                if (!inner || !inner.IsMap()) return fail(where, "missing or not a map");
                return inner;
            }
        }
        return fail(listKey, "no entry named '" + name + "'");
    }

    // A scalar string, or nothing when absent or empty.
    Result<std::optional<std::string>> text(const YAML::Node& map, const std::string& where,
                                            const std::string& key) const {
        YAML::Node v = map[key];
        if (!v || v.IsNull()) return std::optional<std::string>{};
        if (!v.IsScalar()) return fail(where + "." + key, "expected a string");
        if (v.Scalar().empty()) return std::optional<std::string>{};
        return std::optional<std::string>{v.Scalar()};
    }

    std::string resolve(const std::string& file) const {
        std::filesystem::path p(file);
        if (p.is_absolute() || directory_.empty()) return file;
        return (directory_ / p).lexically_normal().string();
    }

    // `fileKey` (a path) or `dataKey` (base64 PEM), at most one; sets the matching output.
    Status fileOrData(const YAML::Node& map, const std::string& where, const std::string& fileKey,
                      const std::string& dataKey, std::string& file, std::string& pem) const {
        auto f = text(map, where, fileKey);
        if (!f) return f.error();
        auto d = text(map, where, dataKey);
        if (!d) return d.error();
        if (f->has_value() && d->has_value())
            return fail(where + "." + dataKey, "set together with '" + fileKey + "'; give one of them");
        if (f->has_value()) file = resolve(**f);
        if (d->has_value()) {
            std::vector<unsigned char> bytes = YAML::DecodeBase64(**d);
            if (bytes.empty()) return fail(where + "." + dataKey, "not valid base64");
            pem.assign(bytes.begin(), bytes.end());
        }
        return {};
    }

    Result<Credentials> read() const {
        YAML::Node root;
        try {
            root = YAML::LoadFile(path_);
        } catch (const YAML::BadFile&) {
            return Error::logical("kubeconfig " + path_ + ": cannot be read");
        } catch (const YAML::Exception& e) {
            return Error::logical("kubeconfig " + path_ + ": not valid YAML: " + e.what());
        }
        if (!root.IsMap()) return Error::logical("kubeconfig " + path_ + ": expected a YAML map");
        auto current = text(root, "", "current-context");
        if (!current) return current.error();
        if (!current->has_value()) return fail("current-context", "missing");
        const std::string& contextName = **current;

        auto context = named(root, "contexts", contextName, "context");
        if (!context) return context.error();
        std::string contextWhere = "contexts[name=" + contextName + "].context";
        auto clusterName = text(*context, contextWhere, "cluster");
        if (!clusterName) return clusterName.error();
        if (!clusterName->has_value()) return fail(contextWhere + ".cluster", "missing");
        auto userName = text(*context, contextWhere, "user");
        if (!userName) return userName.error();

        Credentials out;
        out.describe = "kubeconfig " + path_ + " (context " + contextName + ")";
        if (auto s = readCluster(root, **clusterName, out); !s) return s.error();
        if (userName->has_value())
            if (auto s = readUser(root, **userName, out); !s) return s.error();
        return out;
    }

private:
    Status readCluster(const YAML::Node& root, const std::string& name, Credentials& out) const {
        auto cluster = named(root, "clusters", name, "cluster");
        if (!cluster) return cluster.error();
        std::string where = "clusters[name=" + name + "].cluster";
        YAML::Node insecure = (*cluster)["insecure-skip-tls-verify"];
        if (insecure && insecure.IsScalar() && insecure.Scalar() != "false")
            return fail(where + ".insecure-skip-tls-verify",
                        "is refused: nodeplane always verifies the API server's certificate");
        auto server = text(*cluster, where, "server");
        if (!server) return server.error();
        if (!server->has_value()) return fail(where + ".server", "missing");
        auto url = normalizeServerUrl(**server);
        if (!url) return fail(where + ".server", url.error().message);
        out.server = *url;
        return fileOrData(*cluster, where, "certificate-authority", "certificate-authority-data", out.caFile,
                          out.caPem);
    }

    Status readUser(const YAML::Node& root, const std::string& name, Credentials& out) const {
        auto user = named(root, "users", name, "user");
        if (!user) return user.error();
        std::string where = "users[name=" + name + "].user";
        if (auto s = fileOrData(*user, where, "client-certificate", "client-certificate-data", out.clientCertFile,
                                out.clientCertPem);
            !s)
            return s;
        if (auto s = fileOrData(*user, where, "client-key", "client-key-data", out.clientKeyFile, out.clientKeyPem);
            !s)
            return s;
        bool hasCert = !out.clientCertFile.empty() || !out.clientCertPem.empty();
        bool hasKey = !out.clientKeyFile.empty() || !out.clientKeyPem.empty();
        if (hasCert != hasKey)
            return fail(where + (hasCert ? ".client-key" : ".client-certificate"),
                        "missing: a client certificate needs its key and the other way round");
        auto token = text(*user, where, "token");
        if (!token) return token.error();
        auto tokenFile = text(*user, where, "tokenFile");
        if (!tokenFile) return tokenFile.error();
        if (token->has_value()) out.token = **token;
        else if (tokenFile->has_value()) out.tokenFile = resolve(**tokenFile);
        // Plugins run programs and speak their own protocols; a node daemon
        // takes a certificate or a token instead.
        for (const char* plugin : {"exec", "auth-provider", "username"}) {
            if ((*user)[plugin] && !hasCert && out.token.empty() && out.tokenFile.empty())
                return fail(where + "." + plugin,
                            "is not supported; give a client certificate, token or tokenFile");
        }
        return {};
    }

    std::string path_;
    std::filesystem::path directory_;
};

}  // namespace

Result<Credentials> loadKubeconfig(const std::string& path) {
    return KubeconfigReader(path).read();
}

}  // namespace nodeplane::kube
