// The harness owns descriptors the way the supervisor does: one class for the whole project.
#pragma once

#include "../../supervisor/unique_fd.h"

namespace harness {
using kashim::UniqueFd;
}  // namespace harness
