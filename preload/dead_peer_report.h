// The info line for a connection kashim configured that ended on a dead peer, for the hooks that
// let go of a socket (close_hooks.cpp) and for a blocking connect() that timed out. Only sockets
// the registry marks watched are looked at: configured, connected or accepted through kashim's
// hooks, with the info log on. The decision is core/dead_peer.h's.
#pragma once

#include <sys/socket.h>

#include <cstdint>

namespace kashim {

struct DeadPeerEnd {
    int reason = 0;       // kashim_dead_peer_reason; 0: nothing to say
    bool closed = false;  // the kernel's state is CLOSE: the connection is over, however it ended
    uint32_t silent_ms = 0;
    sockaddr_storage peer;
    socklen_t peer_length = 0;
};

// Marks `fd` watched when it is a socket kashim configured and the info log is on; the connect
// and accept hooks call it. True when it is watched.
bool watch_connection(int fd);

// How the connection on watched socket `fd` ended, before the program closes or replaces it.
// Open or half closed (ESTABLISHED, CLOSE_WAIT, ...) costs one ppoll() that does not wait, and
// nothing else; a closed one TCP_INFO too. `known_error`: the error a call just gave the program for it (a failed connect() reads
// and clears it), else 0 and SO_ERROR is read. `asked`: the address connect() was given, for
// when the kernel no longer knows the peer. Keeps errno.
DeadPeerEnd how_it_ended(int fd, int known_error = 0, const sockaddr* asked = nullptr, socklen_t asked_length = 0);

// The line, at info, when `end` has a reason. Keeps errno.
void log_dead_peer(const DeadPeerEnd& end);

// For a watched socket whose connect() just failed with `error`: a blocking connect() that timed
// out is said here, with the address it was given, since the kernel forgets the peer as the call
// returns; and a socket whose attempt is over is no longer watched, so its close says nothing.
void after_failed_connect(int fd, int error, const sockaddr* asked, socklen_t asked_length);

}  // namespace kashim
