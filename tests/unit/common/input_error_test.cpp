#include <CppUTest/TestHarness.h>

#include "common/input_error.h"

using nodeplane::InputError;

TEST_GROUP(InputError){};

TEST(InputError, FormatsEveryPart) {
    InputError e{"state.toml", 12, 5, "Service shop/web", "ports[0].port", "70000 is out of range 1-65535"};
    STRCMP_EQUAL("state.toml:12:5: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535",
                 e.toString().c_str());
}

TEST(InputError, OmitsWhatIsUnknown) {
    InputError e{"state.toml", 0, 0, "", "", "no such file"};
    STRCMP_EQUAL("state.toml: no such file", e.toString().c_str());
    InputError f{"a.toml", 3, 0, "", "format", "required"};
    STRCMP_EQUAL("a.toml:3: key 'format': required", f.toString().c_str());
}
