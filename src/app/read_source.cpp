#include "app/read_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/printable.h"

namespace app {
namespace {

/// The UTF-16 or UTF-32 encoding `bytes` look like, from a byte-order mark or, without one, from
/// the NUL pattern ASCII text leaves in the first bytes; "" when neither. Windows editors and
/// PowerShell's `>` write UTF-16 files that would otherwise be called "binary".
std::string_view wide_encoding(std::string_view bytes) {
  if (bytes.rfind(std::string_view("\xFF\xFE\0\0", 4), 0) == 0) return "UTF-32 (little-endian)";
  if (bytes.rfind(std::string_view("\0\0\xFE\xFF", 4), 0) == 0) return "UTF-32 (big-endian)";
  if (bytes.rfind("\xFF\xFE", 0) == 0) return "UTF-16 (little-endian)";
  if (bytes.rfind("\xFE\xFF", 0) == 0) return "UTF-16 (big-endian)";
  const size_t n = std::min<size_t>(bytes.size(), 256) & ~size_t{3};
  if (n < 4) return {};
  // The share of positions i % 4 that hold NUL: ASCII in UTF-32LE is "x\0\0\0", in UTF-16BE
  // "\0x\0x".
  size_t zeros[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n; ++i) zeros[i % 4] += bytes[i] == '\0';
  const size_t quarter = n / 4;
  auto mostly = [&](size_t count) { return count * 10 >= quarter * 9; };
  auto rarely = [&](size_t count) { return count * 10 <= quarter; };
  if (rarely(zeros[0]) && mostly(zeros[1]) && mostly(zeros[2]) && mostly(zeros[3]))
    return "UTF-32 (little-endian)";
  if (mostly(zeros[0]) && mostly(zeros[1]) && mostly(zeros[2]) && rarely(zeros[3]))
    return "UTF-32 (big-endian)";
  if (rarely(zeros[0]) && mostly(zeros[1]) && rarely(zeros[2]) && mostly(zeros[3]))
    return "UTF-16 (little-endian)";
  if (mostly(zeros[0]) && rarely(zeros[1]) && mostly(zeros[2]) && rarely(zeros[3]))
    return "UTF-16 (big-endian)";
  return {};
}

/// "512 bytes", or the exact count with a rounded size beside it ("11010048 bytes (10.5 MiB)"):
/// rounding alone would call a 10.5 MiB file "10 MiB" in a message about a 10 MiB limit.
std::string human_size(uint64_t bytes) {
  const std::string exact = std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  if (bytes < (1u << 10)) return exact;
  const bool mib = bytes >= (1u << 20);
  const uint64_t unit = mib ? (1u << 20) : (1u << 10);
  const uint64_t tenths = bytes * 10 / unit;  // no overflow below 1.8 EB
  std::string rounded = std::to_string(tenths / 10);
  if (tenths % 10 != 0) rounded += "." + std::to_string(tenths % 10);
  return exact + " (" + rounded + (mib ? " MiB)" : " KiB)");
}

}  // namespace

FileProblem text_problem(std::string_view bytes) {
  if (const std::string_view wide = wide_encoding(bytes); !wide.empty()) {
    return {std::string(wide) + " text; poolaudit reads UTF-8 only; skipped",
            "Re-save the file as UTF-8 (Python's own default source encoding), or exclude it "
            "(--exclude)"};
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return {"binary file (contains NUL bytes); skipped",
            "Exclude the file (--exclude) if it is not Python source"};
  }
  if (!core::valid_utf8(bytes)) {
    return {"not valid UTF-8; skipped", "Re-save the file as UTF-8, or exclude it (--exclude)"};
  }
  return {};
}

std::string prepare_text(std::string text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) text[i] = '\n';
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

std::optional<std::string> read_file(const InputFile& file, uint64_t max_size, FileProblem& problem) {
  if (file.text) return *file.text;  // read from stdin
  constexpr const char* kReadableFix =
      "Make the file readable by the user running poolaudit, or exclude it (--exclude)";
  // open, fstat, read: one path lookup per file (file_size() then an ifstream took two, and the
  // stream its own buffer: a third of the CPU of a 100,000-tiny-file run). O_NONBLOCK: a FIFO
  // named on the command line must not block the open; it is refused below.
  const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    problem = {std::string("cannot read file: ") + std::strerror(errno) + "; skipped", kReadableFix};
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  // Not a regular file: the messages std::filesystem::file_size gave ("Is a directory",
  // "Operation not supported").
  const int error = ::fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : S_ISDIR(st.st_mode) ? EISDIR : ENOTSUP;
  if (error != 0) {
    problem = {std::string("cannot read file: ") + std::strerror(error) + "; skipped", kReadableFix};
    return std::nullopt;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_size) {
    problem = {"file is " + human_size(size) + ", over the --max-file-size limit of " + human_size(max_size) +
                   "; skipped",
               "Raise --max-file-size if the file is source, or exclude it (--exclude)"};
    return std::nullopt;
  }
  // The size just taken and one byte more, so the read that finds the end needs no new buffer;
  // a file that grew since is read to its new end.
  std::string bytes(static_cast<size_t>(size) + 1, '\0');
  size_t got = 0;
  for (;;) {
    if (got == bytes.size()) bytes.resize(std::max<size_t>(bytes.size() * 2, 4096));
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = {"cannot read file; skipped", kReadableFix};
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

std::optional<std::string> read_regular_file(const std::string& path, uint64_t max_bytes, bool no_follow) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= max_bytes) {
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    bool failed = false;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failed = true;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    bytes.resize(got);
    if (!failed) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

}  // namespace app
