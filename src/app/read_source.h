#pragma once
// Stage "read": a file's bytes, checked (not binary, valid UTF-8, under the size limit) and prepared
// for the parser. A file that cannot be read becomes a diagnostic, never a stop.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/walk.h"

namespace app {

/// Why a file is skipped, and the fix that suits that reason.
struct FileProblem {
  std::string message;  ///< "" when the file can be audited
  std::string fix;
  bool empty() const { return message.empty(); }
};

/// Checks a file's bytes; an empty problem when they can be audited.
FileProblem text_problem(std::string_view bytes);

/// Python reads source with universal newlines; the grammar's scanner only knows "\n" and "\r\n",
/// so a lone "\r" (classic Mac files) becomes "\n" in place: byte offsets, and so positions, do not move.
/// A UTF-8 BOM is not code.
std::string prepare_text(std::string text);

/// The file's bytes (or the text read from stdin); nullopt with `problem` set when it cannot be read
/// or is larger than `max_size`.
std::optional<std::string> read_file(const InputFile& file, uint64_t max_size, FileProblem& problem);

/// The bytes of a regular file of at most `max_bytes`; nullopt when it cannot be opened, is not a
/// regular file, is larger or a read fails. With `no_follow` a symbolic link is not followed.
/// For the tool's own inputs (.gitignore, cache entries), which need no diagnostic.
std::optional<std::string> read_regular_file(const std::string& path, uint64_t max_bytes, bool no_follow = false);

}  // namespace app
