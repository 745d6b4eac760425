// SPDX-License-Identifier: GPL-2.0-or-later
// -Z USER: become an unprivileged user once the sockets and files are open.
#pragma once

#include <string>
#include <sys/types.h>

#include "netring/base/result.h"

namespace netring::cli {

struct TargetUser {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Looks USER up (a name, or a numeric uid) before anything is opened, so a
// typo is a usage error rather than a capture that started as root.
Result<TargetUser> lookup_user(const std::string &user);

enum class DirAccess {
    writable,
    not_writable,  // USER may not create files there
    unknown,       // the child could not become USER, or dir is missing
};

// Whether USER may create and rename files in dir, as a rotation after -Z
// does: a child process becomes USER and asks the kernel (groups, ACLs and
// all), so nothing of this process changes. With unknown the capture finds
// out for itself.
DirAccess user_dir_access(const TargetUser &user, const std::string &dir);

// Sets the user's groups, gid and uid, then clears every capability
// (permitted, effective, inheritable, ambient), so nothing survives even when
// the process started as a non-root user with file capabilities.
Status drop_privileges(const TargetUser &user);

}  // namespace netring::cli
