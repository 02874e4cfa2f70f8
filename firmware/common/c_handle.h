// Move-only owner for any C handle with a free function, e.g.
//   using EventPtr = CHandle<sd_event, sd_event_unref>;
// The deleter's return value (often the handle itself or NULL) is ignored.
#pragma once

#include <memory>

namespace nodeplane {

template <auto FreeFn>
struct CFree {
    template <typename T>
    void operator()(T* p) const noexcept {
        if (p) FreeFn(p);
    }
};

template <typename T, auto FreeFn>
using CHandle = std::unique_ptr<T, CFree<FreeFn>>;

}  // namespace nodeplane
