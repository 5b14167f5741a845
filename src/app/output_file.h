#pragma once
// Writing a report or a baseline where a root CI job may run beside other
// users' files: the content goes to a temporary created exclusively
// (O_CREAT|O_EXCL|O_NOFOLLOW, an unpredictable name in the target's own
// directory), then renamed over the target. A reader sees the old file or the
// new one, a failed run leaves the old one, and a link planted at a temporary
// name is never written through.
#include <string>
#include <string_view>

namespace app {

/// Writes `content` to `path` atomically. A symlink at `path` is followed: its
/// target (resolved through every link) is replaced and the link stays. A
/// target that exists and is not a regular file (/dev/null, /dev/stdout, a
/// FIFO) is written through; a directory is an error. A replaced file keeps its
/// permission bits. On failure returns false with `error` set and the target
/// untouched.
bool write_file_atomically(const std::string& path, std::string_view content, std::string& error);

/// Creates `path` for writing, exclusively and without following a link at it:
/// -1 (errno set) when anything, even a dangling symlink, is already there. The
/// file is created with mode 0666 minus the umask, as any new file.
int create_exclusive(const std::string& path);

/// Writes all of `content` to `fd` (retrying short writes and EINTR); false on an error.
bool write_all(int fd, std::string_view content);

}  // namespace app
