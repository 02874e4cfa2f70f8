#include <CppUTest/TestHarness.h>

#include "toml_value.h"

using namespace nodeplane::netpol;
using nlohmann::json;

namespace {
std::string inlined(const char* jsonText) {
    auto r = tomlInline(json::parse(jsonText), "spec");
    return r ? *r : "error: " + r.error().message;
}
}  // namespace

TEST_GROUP(TomlValue){};

TEST(TomlValue, KeysAreBareOnlyWhenTomlAllows) {
    STRCMP_EQUAL("pod", tomlKey("pod").c_str());
    STRCMP_EQUAL("serve-80_tcp", tomlKey("serve-80_tcp").c_str());
    STRCMP_EQUAL("\"kubernetes.io/metadata.name\"", tomlKey("kubernetes.io/metadata.name").c_str());
    STRCMP_EQUAL("\"\"", tomlKey("").c_str());
}

TEST(TomlValue, StringsAreEscaped) { STRCMP_EQUAL(R"("a\"b\\c\u000A")", tomlString("a\"b\\c\n").c_str()); }

TEST(TomlValue, EmptyAndNestedValues) {
    STRCMP_EQUAL("{}", inlined("{}").c_str());
    STRCMP_EQUAL("[]", inlined("[]").c_str());
    STRCMP_EQUAL("[{}]", inlined("[{}]").c_str());
    STRCMP_EQUAL(R"([{ from = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "y" } } }], )"
                 R"(ports = [{ endPort = 81, port = 80, protocol = "TCP" }] }])",
                 inlined(R"([{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "y"}}}],
                             "ports": [{"protocol": "TCP", "port": 80, "endPort": 81}]}])")
                     .c_str());
    STRCMP_EQUAL("[true, false, -3]", inlined("[true, false, -3]").c_str());
}

TEST(TomlValue, NullAndFloatsHaveNoPlace) {
    STRCMP_EQUAL("error: spec.ingress[1]: null has no place in a snapshot", inlined(R"({"ingress": [{}, null]})").c_str());
    STRCMP_EQUAL("error: spec.port: number has no place in a snapshot", inlined(R"({"port": 80.5})").c_str());
}
