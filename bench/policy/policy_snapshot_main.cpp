// policy-snapshot: writes the big policy model (big_policy_model.h) as a
// snapshot directory (policy_snapshot.h) for the daemon to run on.
//
//   policy-snapshot -o DIR [--pods 50000] [--policies 10000]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "big_policy_model.h"
#include "policy_snapshot.h"

using namespace nodeplane;

int main(int argc, char** argv) {
    std::string dir;
    bench::PolicyModelSize size;
    bool known = argc % 2 == 1;  // flag and value pairs
    for (int i = 1; known && i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "-o")
            dir = argv[i + 1];
        else if (flag == "--pods")
            size.pods = std::strtoul(argv[i + 1], nullptr, 10);
        else if (flag == "--policies")
            size.policies = std::strtoul(argv[i + 1], nullptr, 10);
        else
            known = false;
    }
    if (!known || dir.empty() || size.pods == 0) {
        std::fprintf(stderr, "usage: policy-snapshot -o DIR [--pods N] [--policies N]\n");
        return 2;
    }
    auto model = bench::bigPolicyModel(size);
    if (auto st = bench::writePolicySnapshot(model, dir); !st) {
        std::fprintf(stderr, "policy-snapshot: %s\n", st.error().message.c_str());
        return 1;
    }
    return 0;
}
