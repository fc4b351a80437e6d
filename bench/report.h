// The table, the targets and the noise, from the numbers the driver collected.
#pragma once

#include <string>
#include <vector>

#include "driver.h"

namespace kashim_bench {

struct Results {
    std::vector<const ScenarioInfo*> scenarios;
    std::vector<Variant> variants;                                   // bare first
    std::vector<std::vector<std::vector<double>>> ns_per_operation;  // [scenario][variant][round]
    std::vector<std::vector<std::string>> extra_objects;             // [variant]: loaded beyond bare's
    std::string shim;
};

void print_table(const Results& results);

// One line per timing target, met or missed by how much. Timings are reported, never failed on.
void print_targets(const Results& results);

// Whether the trivial program loads the shim and nothing else beyond what it loads bare.
bool print_loaded_objects(const Results& results);

void print_noise(const Results& results);

}  // namespace kashim_bench
