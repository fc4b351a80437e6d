// The harness owns descriptors the way the supervisor does: one class for the whole project.
#pragma once

#include "../../../supervisor/unique_fd.h"

namespace e2e {
using kashim::UniqueFd;
}  // namespace e2e
