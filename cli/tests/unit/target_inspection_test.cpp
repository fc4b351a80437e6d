#include "target_inspection.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

constexpr uid_t kUser = 1000;
constexpr uid_t kOther = 65534;

FileFacts dynamic_program() {
    FileFacts file;
    file.elf = {true, true, false};
    return file;
}

using Barriers = std::vector<Barrier>;

TEST(Barriers, AnOrdinaryProgramHasNone) {
    EXPECT_EQ(barriers_for(dynamic_program(), {kUser, kUser, false}), Barriers{});
}

TEST(Barriers, StaticAndGoProgramsAreOutOfPreloadsReach) {
    FileFacts file = dynamic_program();
    file.elf.has_interpreter = false;
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), Barriers{Barrier::StaticallyLinked});
    file.elf.is_go = true;
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), (Barriers{Barrier::StaticallyLinked, Barrier::GoProgram}));
    // A script or other non-ELF file is not "static": its interpreter is what counts.
    file.elf = {};
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), Barriers{});
}

TEST(Barriers, SetIdOnlyWhenTheIdsWouldChange) {
    FileFacts file = dynamic_program();
    file.set_user_id = true;
    file.owner = 0;
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), Barriers{Barrier::SetUserId});
    EXPECT_EQ(barriers_for(file, {0, 0, false}), Barriers{});  // root running a setuid-root program
    file.set_user_id = false;
    file.set_group_id = true;
    file.group = kOther;
    EXPECT_EQ(barriers_for(file, {0, 0, false}), Barriers{Barrier::SetGroupId});
    EXPECT_EQ(barriers_for(file, {0, kOther, false}), Barriers{});
}

TEST(Barriers, NosuidMountAndNoNewPrivilegesDisarmSetIdAndCapabilities) {
    FileFacts file = dynamic_program();
    file.set_user_id = true;
    file.has_capabilities = true;
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), (Barriers{Barrier::SetUserId, Barrier::FileCapabilities}));
    EXPECT_EQ(barriers_for(file, {kUser, kUser, true}), Barriers{});
    file.nosuid_mount = true;
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), Barriers{});
}

TEST(Barriers, CapabilitiesMatterForOthersThanRoot) {
    FileFacts file = dynamic_program();
    file.has_capabilities = true;
    EXPECT_EQ(barriers_for(file, {kUser, kUser, false}), Barriers{Barrier::FileCapabilities});
    EXPECT_EQ(barriers_for(file, {0, 0, false}), Barriers{});
}

TEST(DescribeBarriers, OneLineWithEveryReason) {
    Inspection inspection;
    inspection.path = "/usr/bin/x";
    inspection.facts.owner = 0;
    inspection.barriers = {Barrier::StaticallyLinked, Barrier::SetUserId};
    std::string line = describe_barriers(inspection);
    EXPECT_EQ(line,
              "LD_PRELOAD cannot reach /usr/bin/x: it is statically linked (no dynamic loader runs to preload "
              "anything), and it is setuid (runs as uid 0; the loader then ignores LD_PRELOAD); its TCP sockets "
              "keep the kernel's keepalive settings (see LIMITATIONS in kashim(1))");
    EXPECT_EQ(line.find('\n'), std::string::npos);

    inspection.barriers = {Barrier::GoProgram};
    EXPECT_EQ(describe_barriers(inspection),
              "LD_PRELOAD cannot reach /usr/bin/x: it is a Go program (its runtime makes system calls itself, not "
              "through libc); its TCP sockets keep the kernel's keepalive settings; kashim --seccomp reaches it "
              "(see LIMITATIONS in kashim(1))");
}

TEST(InspectProgram, FindsProgramsLikeExecvp) {
    std::optional<Inspection> shell = inspect_program("sh");
    ASSERT_TRUE(shell);
    EXPECT_EQ(shell->path.front(), '/');
    EXPECT_TRUE(shell->facts.elf.is_elf);
    EXPECT_FALSE(inspect_program("no-such-program-for-kashim-tests"));
    EXPECT_FALSE(inspect_program("/no/such/file"));
}

}  // namespace
}  // namespace kashim::cli
