// Socket addresses as text for log lines, without inet_ntop (not async-signal-safe by contract).
#pragma once

#include <sys/socket.h>

#include "config.h"

namespace kashim {

// "192.0.2.1:80", "[2001:db8::1]:443", or "(unknown)" for anything else.
void add_address(MessageText& line, const sockaddr* address, socklen_t length);

}  // namespace kashim
