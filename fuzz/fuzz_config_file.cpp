// The config file parser, on any bytes (NUL and binary junk included): every problem is one
// printable line, and the configuration it yields holds only what the kernel accepts.
#include <cstddef>
#include <cstdint>

#include "core/config_file.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    kashim::Config config;
    kashim::LoadReport report;
    kashim::load_config_file(config, text, "/etc/kashim.conf", report);
    kashim_fuzz::check_report(report);
    kashim_fuzz::check_config(config);
    return 0;
}
