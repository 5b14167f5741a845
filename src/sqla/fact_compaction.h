#pragma once
// The facts of every analysed file are held until the project phase, so their slack is paid once per
// file of the tree: vectors filled by push_back keep up to half their capacity unused (issue #16, item 3:
// memory bounded by the work in flight, bench/README.md "What holds memory").
#include <cstddef>

namespace sqla {

struct FileFacts;

/// Gives back the unused capacity of `facts`' vectors once the file phase has filled them. Contents,
/// and their order, are unchanged.
void compact(FileFacts& facts);

/// The bytes of unused capacity left in `facts`' vectors (what compact() gives back); for tests.
size_t vector_slack(const FileFacts& facts);

}  // namespace sqla
