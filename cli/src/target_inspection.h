// Before exec: would LD_PRELOAD reach the program at all? The loader never runs for a static
// executable, Go makes its own system calls, and secure-execution mode (setuid, setgid, file
// capabilities) makes the loader ignore LD_PRELOAD. Each is found from the file, never by running it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elf_facts.h"

namespace kashim::cli {

enum class Barrier { StaticallyLinked, GoProgram, SetUserId, SetGroupId, FileCapabilities };

// What the file system says about the file that will be executed.
struct FileFacts {
    ElfFacts elf;
    bool set_user_id = false;
    bool set_group_id = false;  // S_ISGID with group execute (without it, the bit means locking)
    uid_t owner = 0;
    gid_t group = 0;
    bool has_capabilities = false;  // a security.capability attribute
    bool nosuid_mount = false;      // the kernel ignores set-id bits and capabilities there
};

// Who runs it.
struct Credentials {
    uid_t real_uid = 0;
    gid_t real_gid = 0;
    bool no_new_privileges = false;  // PR_SET_NO_NEW_PRIVS: set-id bits and capabilities are ignored
};

// The kernel's rules (fs/exec.c, security/commoncap.c): secure execution when the effective ids
// would differ from the real ones, or when file capabilities raise a non-root user's privileges.
std::vector<Barrier> barriers_for(const FileFacts& file, const Credentials& who);

struct Inspection {
    std::string path;         // the file exec will run, found like execvp does
    std::string description;  // "dynamically linked ELF", "script run by /bin/sh", ...
    FileFacts facts;          // of the file the loader would start: the interpreter for a script
    std::vector<Barrier> barriers;
};

// Looks `program` up in PATH like execvp and inspects it; empty when it is not found (exec
// will then fail and say why).
std::optional<Inspection> inspect_program(std::string_view program);

// The one line that says LD_PRELOAD cannot reach the program, and why.
std::string describe_barriers(const Inspection& inspection);

// True when LD_PRELOAD cannot reach the program but the seccomp supervisor can: it is static or
// Go, and not set-id (under the supervisor's no_new_privs its set-id bits would be ignored).
bool supervisor_reaches(const Inspection& inspection);

}  // namespace kashim::cli
