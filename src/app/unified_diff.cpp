#include "app/unified_diff.h"

#include <algorithm>
#include <vector>

namespace app {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

enum class Op { kKeep, kDelete, kInsert };

/// The line operations from `a` to `b`: the common head and tail are kept, the middle (where the
/// fixes are; a fix deletes or rewrites a few lines) is diffed by longest common subsequence,
/// bounded so that a huge middle is shown as one replaced block instead.
std::vector<Op> line_ops(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  const size_t n = a.size() - head - tail;
  const size_t m = b.size() - head - tail;
  std::vector<Op> ops(head, Op::kKeep);
  if (n * m <= 4'000'000) {
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        ops.push_back(Op::kKeep);
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push_back(Op::kDelete);  // deletions first, as diff(1) shows a replaced line
        ++i;
      } else {
        ops.push_back(Op::kInsert);
        ++j;
      }
    }
  } else {
    ops.insert(ops.end(), n, Op::kDelete);
    ops.insert(ops.end(), m, Op::kInsert);
  }
  ops.insert(ops.end(), tail, Op::kKeep);
  return ops;
}

void put_line(std::string& out, char mark, std::string_view line) {
  out += mark;
  out.append(line);
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

std::string range_text(size_t start, size_t count) {
  // diff -u: "start,count"; a count of one is left out; an empty range names the line before it.
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, const std::string& path) {
  if (before == after) return "";
  const std::vector<std::string_view> a = split_lines(before);
  const std::vector<std::string_view> b = split_lines(after);
  const std::vector<Op> ops = line_ops(a, b);
  constexpr size_t kContext = 3;
  // git's a/ b/ prefixes for a relative path (`git apply`, `patch -p1`); an absolute path is
  // written as given, as diff(1) and ruff do (`patch -p0`): "a//tmp/x.py" applies nowhere.
  const bool absolute = !path.empty() && path.front() == '/';
  std::string out = absolute ? "--- " + path + "\n+++ " + path + "\n" : "--- a/" + path + "\n+++ b/" + path + "\n";
  size_t k = 0;
  while (k < ops.size()) {
    if (ops[k] == Op::kKeep) {
      ++k;
      continue;
    }
    // A hunk: from kContext keeps before this change to kContext keeps after the last change that
    // is at most 2 * kContext keeps away.
    size_t start = k >= kContext ? k - kContext : 0;
    while (start < k && ops[start] != Op::kKeep) ++start;
    size_t end = k;
    size_t keeps = 0;
    while (end < ops.size() && keeps <= 2 * kContext) {
      keeps = ops[end] == Op::kKeep ? keeps + 1 : 0;
      ++end;
    }
    end -= std::min(keeps, end - k);
    end = std::min(ops.size(), end + kContext);
    // Line numbers at `start`.
    size_t ai = 0, bi = 0;
    for (size_t x = 0; x < start; ++x) {
      if (ops[x] != Op::kInsert) ++ai;
      if (ops[x] != Op::kDelete) ++bi;
    }
    size_t acount = 0, bcount = 0;
    for (size_t x = start; x < end; ++x) {
      if (ops[x] != Op::kInsert) ++acount;
      if (ops[x] != Op::kDelete) ++bcount;
    }
    out += "@@ -" + range_text(ai, acount) + " +" + range_text(bi, bcount) + " @@\n";
    for (size_t x = start; x < end; ++x) {
      switch (ops[x]) {
        case Op::kKeep: put_line(out, ' ', a[ai++]); ++bi; break;
        case Op::kDelete: put_line(out, '-', a[ai++]); break;
        case Op::kInsert: put_line(out, '+', b[bi++]); break;
      }
    }
    k = end;
  }
  return out;
}

}  // namespace app
