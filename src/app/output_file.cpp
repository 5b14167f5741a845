#include "app/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>

namespace app {
namespace fs = std::filesystem;
namespace {

/// Enough hops for any sane chain of links; more is a loop (the kernel's own
/// limit is 40).
constexpr int kMaxLinks = 40;

/// `path` with every symlink at its last component followed; the directories
/// above it are left to the kernel. nullopt with `error` on a loop or an
/// unreadable link.
std::optional<fs::path> follow_links(fs::path path, std::string& error) {
  for (int hop = 0; hop < kMaxLinks; ++hop) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
    const fs::path target = fs::read_symlink(path, ec);
    if (ec) {
      error = "cannot read the link " + path.string() + ": " + ec.message();
      return std::nullopt;
    }
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  error = "too many levels of symbolic links at " + path.string();
  return std::nullopt;
}

/// ".report.json.poolaudit-" and 16 random letters and digits: another user
/// cannot predict it.
std::string temporary_name(const fs::path& target) {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device random;  // the kernel's generator (getrandom), not a seeded sequence
  std::string name = "." + target.filename().string() + ".poolaudit-";
  for (int i = 0; i < 16; ++i) name += kAlphabet[random() % (sizeof(kAlphabet) - 1)];
  return (target.parent_path() / name).string();
}


std::string describe(const std::string& path, const std::string& what, int err) {
  return "cannot write " + path + ": " + what + std::strerror(err);
}

/// A device, a FIFO, /dev/stdout: written through; renaming over it would
/// replace it.
bool write_through(const std::string& path, const fs::path& target, std::string_view content,
                   std::string& error) {
  const int fd = ::open(target.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = describe(path, "", errno);
    return false;
  }
  const bool ok = write_all(fd, content);
  const int write_errno = errno;
  if (::close(fd) != 0 || !ok) {
    error = describe(path, "", ok ? errno : write_errno);
    return false;
  }
  return true;
}

}  // namespace

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int create_exclusive(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
}

bool write_file_atomically(const std::string& path, std::string_view content, std::string& error) {
  const std::optional<fs::path> resolved = follow_links(fs::path(path), error);
  if (!resolved) return false;
  const fs::path target = resolved->has_parent_path() ? *resolved : fs::path(".") / *resolved;
  struct stat existing {};
  const bool exists = ::stat(target.c_str(), &existing) == 0;
  if (exists && S_ISDIR(existing.st_mode)) {
    error = "cannot write " + path + ": it is a directory";
    return false;
  }
  if (exists && !S_ISREG(existing.st_mode)) return write_through(path, target, content, error);

  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = temporary_name(target);
    fd = create_exclusive(temp);
    if (fd < 0 && errno != EEXIST) break;  // EEXIST: someone holds that name; draw another
  }
  if (fd < 0) {
    error =
        describe(path, "cannot create a file in " + target.parent_path().string() + ": ", errno);
    return false;
  }
  bool ok = write_all(fd, content);
  int err = errno;
  if (ok && exists && ::fchmod(fd, existing.st_mode & 07777) != 0) {
    ok = false;
    err = errno;
  }
  if (ok && ::fsync(fd) != 0 && errno != EINVAL) {  // EINVAL: a file system without fsync
    ok = false;
    err = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && ::rename(temp.c_str(), target.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    error = describe(path, "", err);
    return false;
  }
  return true;
}

}  // namespace app
