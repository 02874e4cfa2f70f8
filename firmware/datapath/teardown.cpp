#include "datapath/teardown.h"

#include <bpf/bpf.h>
#include <dirent.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <set>
#include <string_view>

#include "common/unique_fd.h"
#include "datapath/cgroup_links.h"
#include "datapath/datapath.h"
#include "datapath/tc.h"

namespace nodeplane::datapath {

namespace {

constexpr std::array kOurPrograms = {Program::FromPod,      Program::ToPod,        Program::FromNetdev,
                                     Program::ToNetdev,     Program::SockConnect4, Program::SockSendmsg4,
                                     Program::SockRecvmsg4, Program::SockGetpeername4};

// The names in a directory, without "." and ".."; none when it is missing.
Result<std::vector<std::string>> entriesOf(const std::string& dir) {
    std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), &::closedir);
    if (!handle) {
        if (errno == ENOENT) return std::vector<std::string>{};
        return Error::fromErrno(errno, "Failed to list '" + dir + "'");
    }
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(handle.get())) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    return names;
}

// The kernel's id and name of a program; nullopt-like zero id when gone.
struct ProgramIdentity {
    std::uint32_t id = 0;
    std::string name;
};

ProgramIdentity identityOf(int progFd) {
    bpf_prog_info info{};
    std::uint32_t len = sizeof(info);
    if (::bpf_obj_get_info_by_fd(progFd, &info, &len) != 0) return {};
    return {info.id, info.name};
}

ProgramIdentity identityOfId(std::uint32_t id) {
    UniqueFd fd(::bpf_prog_get_fd_by_id(id));
    if (!fd.valid()) return {};
    return identityOf(fd.get());
}

struct Ours {
    std::set<std::uint32_t> ids;    // programs pinned under <bpffs>/progs
    std::set<std::string> names;    // the kernel names of our programs
    bool owns(const ProgramIdentity& p) const { return ids.contains(p.id) || names.contains(p.name); }
};

Result<Ours> ourPrograms(const std::string& progsDir) {
    Ours ours;
    for (auto program : kOurPrograms) ours.names.emplace(programName(program));
    auto pins = entriesOf(progsDir);
    if (!pins) return pins.error();
    for (const auto& pin : *pins) {
        UniqueFd fd(::bpf_obj_get((progsDir + "/" + pin).c_str()));
        if (fd.valid()) ours.ids.insert(identityOf(fd.get()).id);
    }
    return ours;
}

Status detachFilters(const Ours& ours, std::vector<std::string>& removed) {
    std::unique_ptr<struct if_nameindex, void (*)(struct if_nameindex*)> interfaces(::if_nameindex(), &::if_freenameindex);
    if (!interfaces) return Error::fromErrno(errno, "Failed to list the interfaces of this network namespace");
    for (const struct if_nameindex* link = interfaces.get(); link->if_index != 0; ++link) {
        const int ifindex = static_cast<int>(link->if_index);
        for (auto direction : {TcDirection::Ingress, TcDirection::Egress}) {
            auto id = queryTc(ifindex, direction);
            if (!id) return id.error();
            if (!id->has_value()) continue;
            auto program = identityOfId(**id);
            if (!ours.owns(program)) continue;
            if (auto ok = detachTc(ifindex, direction); !ok) return ok;
            removed.push_back(std::string("Detached ") + (program.name.empty() ? "program" : program.name) + " (id " +
                              std::to_string(**id) + ") from '" + link->if_name + "' " +
                              (direction == TcDirection::Ingress ? "ingress" : "egress"));
        }
    }
    return {};
}

Status removeLinks(const std::string& linksDir, std::vector<std::string>& removed) {
    auto pins = entriesOf(linksDir);
    if (!pins) return pins.error();
    for (const auto& pin : *pins) {
        const std::string path = linksDir + "/" + pin;
        auto link = pinnedCgroupLink(path);
        std::string what = "Detached the socket hook " + pin;
        if (link && link->has_value())
            what += " (link id " + std::to_string((*link)->linkId) + ", cgroup id " +
                    std::to_string((*link)->cgroupId) + ")";
        if (auto ok = unpinLink(path); !ok) return ok;
        removed.push_back(what);
    }
    return {};
}

Status removePins(const std::string& dir, const char* kind, std::vector<std::string>& removed) {
    auto pins = entriesOf(dir);
    if (!pins) return pins.error();
    for (const auto& pin : *pins) {
        const std::string path = dir + "/" + pin;
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "Failed to remove the pinned " + std::string(kind) + " '" + path + "'");
        removed.push_back("Removed the pinned " + std::string(kind) + " " + path);
    }
    return {};
}

Status removeDir(const std::string& dir, TeardownReport& report) {
    if (::rmdir(dir.c_str()) == 0) {
        report.removed.push_back("Removed " + dir);
        return {};
    }
    if (errno == ENOENT) return {};
    if (errno == ENOTEMPTY || errno == EEXIST) {
        report.kept.push_back("Kept " + dir + ": it holds files that are not nodeplane's");
        return {};
    }
    if (errno == EBUSY) {
        report.kept.push_back("Kept " + dir + ": it is a mount point");
        return {};
    }
    return Error::fromErrno(errno, "Failed to remove '" + dir + "'");
}

}  // namespace

Result<TeardownReport> teardownDatapath(const std::string& bpffsIn) {
    std::string bpffs = bpffsIn;
    while (bpffs.size() > 1 && bpffs.back() == '/') bpffs.pop_back();
    const std::string maps = bpffs + "/maps", progs = bpffs + "/progs", links = bpffs + "/links";
    TeardownReport report;
    auto& removed = report.removed;

    auto ours = ourPrograms(progs);
    if (!ours) return ours.error();
    // Traffic first leaves the programs, then their maps go.
    if (auto ok = detachFilters(*ours, removed); !ok) return ok.error();
    if (auto ok = removeLinks(links, removed); !ok) return ok.error();
    if (auto ok = removePins(progs, "program", removed); !ok) return ok.error();
    if (auto ok = removePins(maps, "map", removed); !ok) return ok.error();
    for (const auto& dir : {links, progs, maps, bpffs})
        if (auto ok = removeDir(dir, report); !ok) return ok.error();
    return report;
}

}  // namespace nodeplane::datapath
