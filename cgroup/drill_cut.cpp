#include "drill_cut.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "drill.skel.h"

namespace kashim {
namespace {

class AttachedCut final : public DrillCut {
public:
    explicit AttachedCut(kashim_drill* skeleton) : skeleton_(skeleton) {}
    ~AttachedCut() override { kashim_drill__destroy(skeleton_); }  // detaches: the links are closed
    AttachedCut(const AttachedCut&) = delete;
    AttachedCut& operator=(const AttachedCut&) = delete;

    void cut() override { __atomic_store_n(&skeleton_->bss->cut, 1u, __ATOMIC_SEQ_CST); }

private:
    kashim_drill* skeleton_;
};

std::string with_error(const std::string& what, int error) { return what + ": " + std::strerror(error); }

}  // namespace

std::unique_ptr<DrillCut> attach_drill_cut(const std::string& directory, std::string& problem) {
    kashim_drill* skeleton = kashim_drill__open_and_load();
    if (skeleton == nullptr) {
        problem = with_error("cannot load the drill's cut programs", errno);
        return nullptr;
    }
    int group = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (group < 0) {
        problem = with_error("cannot open the group " + directory, errno);
        kashim_drill__destroy(skeleton);
        return nullptr;
    }
    skeleton->links.kashim_drill_in = bpf_program__attach_cgroup(skeleton->progs.kashim_drill_in, group);
    int in_error = skeleton->links.kashim_drill_in ? 0 : errno;
    if (in_error == 0)
        skeleton->links.kashim_drill_out = bpf_program__attach_cgroup(skeleton->progs.kashim_drill_out, group);
    int out_error = in_error == 0 && skeleton->links.kashim_drill_out == nullptr ? errno : 0;
    close(group);
    if (in_error != 0 || out_error != 0) {
        problem = with_error("cannot attach the drill's cut programs to " + directory, in_error ? in_error : out_error);
        kashim_drill__destroy(skeleton);
        return nullptr;
    }
    return std::make_unique<AttachedCut>(skeleton);
}

}  // namespace kashim
