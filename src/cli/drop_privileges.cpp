// SPDX-License-Identifier: GPL-2.0-or-later
// Giving up root and capabilities the way tcpdump -Z does, plus the capabilities.
#include "drop_privileges.h"

#include <cerrno>
#include <charconv>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <linux/capability.h>

#include <fmt/format.h>

namespace netring::cli {

Result<TargetUser> lookup_user(const std::string &user)
{
    std::vector<char> buf(16384);
    passwd pw{};
    passwd *found = nullptr;
    int rc = ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
    if (found == nullptr) {
        // A number names a uid, as for tcpdump and chown.
        uid_t uid = 0;
        const auto [end, ec] = std::from_chars(user.data(), user.data() + user.size(), uid);
        if (ec == std::errc{} && end == user.data() + user.size())
            rc = ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found);
    }
    if (found == nullptr)
        return Error::invalid(rc != 0 ? rc : ENOENT, fmt::format("invalid -Z: no user '{}'", user));
    return TargetUser{pw.pw_name, pw.pw_uid, pw.pw_gid};
}

Status drop_privileges(const TargetUser &user)
{
    // The user's own groups, as a login would give them; a process that may
    // not set groups (no CAP_SETGID) fails here, before any id changed.
    if (::initgroups(user.name.c_str(), user.gid) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("-Z {}: set the groups of {} (needs root or CAP_SETGID)", user.name,
                                           user.name))
            .needing(Privilege::stated);
    }
    if (::setresgid(user.gid, user.gid, user.gid) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("-Z {}: set gid {} (needs root or CAP_SETGID)", user.name, user.gid))
            .needing(Privilege::stated);
    }
    if (::setresuid(user.uid, user.uid, user.uid) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("-Z {}: set uid {} (needs root or CAP_SETUID)", user.name, user.uid))
            .needing(Privilege::stated);
    }
    // Root turning into a non-root user loses its capabilities by itself, but
    // file capabilities of a non-root start would survive: clear them all.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        const int err = errno;
        return Error::sys(err, fmt::format("-Z {}: clear the ambient capabilities", user.name));
    }
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capset, &header, none) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("-Z {}: clear the capabilities", user.name));
    }
    // Paranoia, as in tcpdump: a uid that could be regained was not given up.
    if (user.uid != 0 && (::setuid(0) == 0 || ::geteuid() != user.uid))
        return Error::logic(fmt::format("-Z {}: root privileges could be regained after the switch", user.name));
    return {};
}

DirAccess user_dir_access(const TargetUser &user, const std::string &dir)
{
    const pid_t child = ::fork();
    if (child < 0)
        return DirAccess::unknown;
    if (child == 0) {
        // The exit status is the answer.
        if (!drop_privileges(user))
            ::_exit(static_cast<int>(DirAccess::unknown));
        if (::access(dir.c_str(), W_OK | X_OK) != 0)
            ::_exit(static_cast<int>(errno == EACCES ? DirAccess::not_writable : DirAccess::unknown));
        ::_exit(static_cast<int>(DirAccess::writable));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            return DirAccess::unknown;
    if (!WIFEXITED(status) || WEXITSTATUS(status) > static_cast<int>(DirAccess::unknown))
        return DirAccess::unknown;
    return static_cast<DirAccess>(WEXITSTATUS(status));
}

}  // namespace netring::cli
