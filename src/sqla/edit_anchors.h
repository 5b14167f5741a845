#pragma once
// Where a fix can edit a file: the layout of calls' argument lists, the module's imports and the
// places to insert a statement. Collected while the syntax tree is alive (the facts outlive it);
// rules build their fixes from these byte ranges and texts, never from the tree.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"

namespace core { class SourceFile; }
namespace py { class Module; }
namespace ts { class Node; }

namespace sqla {

struct FileFacts;

/// Replace the bytes [begin, end) of the file by `text` (an insertion when begin == end).
struct TextEdit {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string text;
  core::SourceRange range;  ///< the same bytes as 1-based positions
  friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

/// One argument of a call as written.
struct ArgumentSpan {
  std::string name;          ///< keyword name; "" positional; "*" / "**" for splats
  uint32_t begin = 0;        ///< the whole argument (absolute bytes)
  uint32_t end = 0;
  /// Its value: the expression after `name=`, or the argument. A `**NAME` splat whose dict only
  /// this call reads holds that dict's bytes (`NAME = {...}`, edit_anchors.cpp collect_own_dicts;
  /// reset in a module other files may import), and a wrapper's `**kw` read nowhere else the
  /// parameter's bytes (mark_forwarded_kwargs): rules/fixes.h edits there.
  uint32_t value_begin = 0;
  uint32_t value_end = 0;
  core::Position at;         ///< where it starts (py::Argument::where of a keyword written here)
};

/// A call's argument list as written, `(` to `)`: enough to drop, add or replace keywords.
struct CallLayout {
  core::Position call;    ///< the call's start (EngineSite::where, WebApp::where)
  uint32_t begin = 0;     ///< the byte of `(`
  core::Position open;    ///< the position of `(`
  std::string text;       ///< the argument list's text, `(` to `)` included
  std::vector<ArgumentSpan> args;
  std::vector<uint32_t> comments;  ///< comment starts inside the list (never removed with an argument)
  /// The argument with this keyword name, or nullptr.
  const ArgumentSpan* keyword(std::string_view name) const;
  /// The position of a byte of the list (counted from `(`).
  core::Position position(uint32_t absolute) const;
};

/// A module-level import binding: `local` names `target` ("pool" -> "sqlalchemy.pool").
struct ImportBinding {
  std::string local;
  std::string target;
  uint32_t statement_begin = 0;
  /// The start of the line after the import statement (0: the statement does not end its line).
  uint32_t next_line = 0;
  uint32_t next_line_number = 0;  ///< its 1-based line number
};

/// The end of a `with X.m() as c:` / `async with` block: where a statement after it goes.
struct BlockEnd {
  std::string receiver;      ///< "connectable"
  std::string method;        ///< "connect", "begin"
  std::string function;      ///< the enclosing function's qualified name ("" at module level)
  bool async_with = false;
  bool in_async_function = false;
  uint32_t insert_at = 0;    ///< the start of the line after the block
  uint32_t insert_line = 0;  ///< its 1-based line number
  std::string indent;        ///< the with statement's indentation
  bool needs_newline = false;  ///< the block ends the file without a line ending
};

/// Edits prepared while the tree lived, for one anchor (a session's creating call, an app call).
struct PlannedEdits {
  core::Position at;
  std::vector<TextEdit> edits;
};

/// What the semantic layer saw of a file's layout, for fixes.
struct EditAnchors {
  std::vector<CallLayout> calls;        ///< engine calls and web application constructors, in file order
  std::vector<ImportBinding> imports;   ///< module-level imports, in order
  std::vector<std::string> globals;     ///< every module-level name (new imports must not clash)
  std::vector<BlockEnd> with_blocks;
  /// A yielded session or connection's yield (and what follows it in its block) wrapped in
  /// `try:` / `finally: <name>.close()` (facts PA202), at the creating call.
  std::vector<PlannedEdits> yield_wraps;
  /// The module's `@app.on_event("startup"/"shutdown")` handlers called from a new lifespan
  /// context manager given to `app = FastAPI(..., lifespan=lifespan)`, at the app call; only for
  /// one app built at module level whose handlers are all module-level functions of this file.
  std::optional<PlannedEdits> lifespan;
  const CallLayout* call_at(core::Position where) const;
  bool bound(std::string_view name) const;
};

/// How to write a qualified name at a point of the module, and the import to add for it.
struct Spelling {
  std::string text;                ///< "pool.NullPool", "NullPool"
  std::optional<TextEdit> import;  ///< `from sqlalchemy.pool import NullPool`, when none is usable
};

/// Spells `qualified` ("sqlalchemy.pool.NullPool") with the module-level imports bound before
/// `use_at`: the name itself, its module's alias (`pool.NullPool`), or `sqlalchemy`'s alias
/// (`sa.pool.NullPool`); else adds `from <module> import <Name>` after the last import of the same
/// top package before `use_at` (or the last import before it). nullopt when no import can be
/// placed or the name is bound to something else.
std::optional<Spelling> spell(const EditAnchors& anchors, std::string_view qualified, uint32_t use_at);

/// Edits that make a call's keyword arguments `drop` disappear and `set` hold `value`:
/// replaces an existing `set` keyword's value, or writes `set=value` in the place of the first
/// dropped keyword, or appends it (in the list's own layout: one argument per line, or inline).
/// A dropped keyword alone on its line takes its line with it. nullopt when a named keyword is not
/// in the list, or an edit would take a comment or overlap another.
std::optional<std::vector<TextEdit>> keyword_edits(const CallLayout& call, const std::vector<std::string>& drop,
                                                   std::string_view set = {}, std::string_view value = {});

/// Collects the anchors of `facts`' engine calls and web applications, the module's imports and its
/// `with` blocks (the file phase, while the tree lives).
void collect_edit_anchors(const core::SourceFile& source, const py::Module& module, ts::Node root,
                          FileFacts& facts);

}  // namespace sqla
