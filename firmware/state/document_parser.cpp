#include "state/document_parser.h"

#include "config/name_syntax.h"
#include "config/toml_document.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {
namespace {

constexpr std::int64_t kFormat = 1;

// Each object gets its own reader whose key paths start at the object
// ("ports[0]", not "services[2].ports[0]"); until its identity is read it is
// named by its place, "services[2]".
void readObjects(const config::ErrorSink& sink, TableReader& root, std::string_view key,
                 void (*readObject)(TableReader&, ParsedSnapshot&), ParsedSnapshot& out) {
    const toml::node* value = root.node(key);
    if (!value) return;
    const toml::array* array = value->as_array();
    if (!array) {
        root.typeError(*value, key, "an array of tables");
        return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        std::string place = std::string(key) + "[" + std::to_string(i) + "]";
        const toml::node& element = *array->get(i);
        if (const auto* table = element.as_table()) {
            TableReader reader(sink, *table, place, "");
            readObject(reader, out);
        } else {
            root.errorAt(element.source(), place,
                         "expected a table, got " + std::string(config::typeName(element.type())));
        }
    }
}

}  // namespace

void parseSnapshotDocument(const toml::table& document, const config::ErrorSink& sink, ParsedSnapshot& out) {
    TableReader root = TableReader::document(sink, document);
    std::int64_t format = root.integer("format", Need::Required).value_or(kFormat);
    if (format != kFormat) {
        // Nothing else of a document in another format can be understood.
        root.error(*document.get("format"), "format",
                   "unsupported format " + std::to_string(format) + "; this version reads format 1");
        for (const auto& [key, value] : document) root.node(key.str());
        out.incomplete = true;
        return;
    }
    if (auto node = root.converted("node", config::checkedString(config::checkDnsSubdomain)))
        out.nodeSettings.push_back(NodeSetting{*node, siteOf(root, *document.get("node"), "node")});

    readObjects(sink, root, "nodes", readNode, out);
    readObjects(sink, root, "namespaces", readNamespace, out);
    readObjects(sink, root, "pods", readPod, out);
    readObjects(sink, root, "services", readService, out);
    readObjects(sink, root, "endpointSlices", readEndpointSlice, out);
    readObjects(sink, root, "networkPolicies", readNetworkPolicy, out);
}

void parseSnapshotText(const std::string& text, const std::string& fileName, ParsedSnapshot& out,
                       InputErrors& errors) {
    auto document = config::parseToml(text, fileName, errors);
    if (!document) {
        out.incomplete = true;
        return;
    }
    config::ErrorSink sink{fileName, errors};
    parseSnapshotDocument(*document, sink, out);
}

}  // namespace nodeplane::state
