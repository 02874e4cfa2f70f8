#include "support/datapath_fixture.h"

#include <stdexcept>

namespace nodeplane::test {

DatapathFixture::DatapathFixture(const datapath::Options& options)
    : netns_(ScopedNetns::create()), inside_(netns_) {
    datapath::Options withOurBpffs = options;
    withOurBpffs.bpffs = bpffs_.path() + "/nodeplane";
    auto opened = datapath::Datapath::open(withOurBpffs);
    if (!opened) throw std::runtime_error(opened.error().message);
    datapath_.emplace(std::move(*opened));
}

int DatapathFixture::addInterface(const std::string& name) { return addVethPair(netns_, name, name + "-p"); }

}  // namespace nodeplane::test
