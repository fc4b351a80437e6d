// The environment as kashim reads it: the input is a block of NUL-separated NAME=VALUE entries
// (what execve hands a program), looked up the way secure_getenv does. Properties as for the
// config file, plus: every KA_* name nobody knows is reported, never applied.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/environment.h"
#include "fuzz_support.h"

namespace {

struct Environment {
    std::vector<std::string> entries;
    std::vector<const char*> pointers;
};

const char* lookup(void* context, const char* name) {
    auto* env = static_cast<Environment*>(context);
    size_t length = std::strlen(name);
    for (const std::string& entry : env->entries)
        if (entry.compare(0, length, name) == 0 && entry.size() > length && entry[length] == '=')
            return entry.c_str() + length + 1;
    return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Environment env;
    std::string block(reinterpret_cast<const char*>(data), size);
    for (size_t start = 0; start < block.size();) {
        size_t end = block.find('\0', start);
        if (end == std::string::npos) end = block.size();
        if (end > start) env.entries.push_back(block.substr(start, end - start));
        start = end + 1;
        if (env.entries.size() == 256) break;
    }
    for (const std::string& entry : env.entries) env.pointers.push_back(entry.c_str());
    env.pointers.push_back(nullptr);

    kashim::Config config;
    kashim::LoadReport report;
    kashim::load_environment(config, lookup, &env, env.pointers.data(), report);
    kashim_fuzz::check_report(report);
    kashim_fuzz::check_config(config);
    return 0;
}
