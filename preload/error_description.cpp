#include "error_description.h"

#include "../log/written_at_load.h"
#include "symbol_lookup.h"

#include <atomic>
#include <cstring>

namespace kashim {
namespace {

using DescribeError = const char* (*)(int);

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<DescribeError> g_describe_error{nullptr};

const char* table_strerror(int error) { return strerror(error); }

}  // namespace

const char* error_description(int error) {
    DescribeError describe = g_describe_error.load(std::memory_order_acquire);
    if (describe == nullptr) {
        // glibc's strerror may translate and allocate; strerrordesc_np does neither. musl's
        // strerror is a lookup in a constant table, so it serves there.
        describe = reinterpret_cast<DescribeError>(first_definition("strerrordesc_np"));
        if (describe == nullptr) describe = table_strerror;
        g_describe_error.store(describe, std::memory_order_release);
    }
    const char* text = describe(error);
    return text != nullptr ? text : "unknown error";
}

}  // namespace kashim
