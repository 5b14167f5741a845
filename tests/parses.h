#pragma once
// Whether Python text parses without an error or missing node: what the fix tests ask of every
// file an edit leaves behind.
#include <string>

#include "py/grammar.h"
#include "ts/tree.h"

namespace tests {

inline bool parses(const std::string& text) {
  ts::Parser parser;
  parser.set_language(py::Grammar::get().language());
  ts::Tree tree = parser.parse(text);
  return tree && !tree.root().has_error();
}

}  // namespace tests
