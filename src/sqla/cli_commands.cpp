#include "sqla/cli_commands.h"

#include <algorithm>
#include <string_view>

namespace sqla {
namespace {

constexpr std::string_view kCliLibraries[] = {"click", "typer", "asyncclick", "rich_click", "cloup"};

bool cli_library(std::string_view qualified) {
  const std::string_view head = qualified.substr(0, qualified.find('.'));
  return std::find(std::begin(kCliLibraries), std::end(kCliLibraries), head) != std::end(kCliLibraries);
}

bool imports_cli_library(const py::Module& module) {
  for (const auto& [name, alts] : module.globals()) {
    for (const py::Alt& a : alts) {
      if (a.value->kind == py::ValueKind::kSymbol && cli_library(a.value->text)) return true;
    }
  }
  return false;
}

/// The callee of a decorator's text: "cli.command(\"run\")" -> "cli.command".
std::string_view callee(std::string_view text) {
  if (text.starts_with("@")) text.remove_prefix(1);
  return text.substr(0, text.find('('));
}

}  // namespace

bool is_cli_command(const py::FunctionInfo& function, const py::Module& module) {
  if (function.parent_function >= 0 || !function.class_name.empty()) return false;
  for (const py::Value& d : function.decorators) {
    if (d.kind == py::ValueKind::kSymbol && cli_library(d.text)) return true;
  }
  bool imports_checked = false;
  bool imports = false;
  for (const std::string& text : function.decorator_texts) {
    const std::string_view name = callee(text);
    if (name.ends_with(".cli.command")) return true;  // Flask: app.cli / blueprint.cli
    if (!name.ends_with(".command") && !name.ends_with(".group")) continue;
    if (!imports_checked) {
      imports = imports_cli_library(module);
      imports_checked = true;
    }
    if (imports) return true;
  }
  return false;
}

std::vector<std::string> cli_commands(const py::Module& module) {
  std::vector<std::string> out;
  for (const py::FunctionInfo& f : module.functions()) {
    if (is_cli_command(f, module)) out.push_back(f.qualified_name);
  }
  return out;
}

}  // namespace sqla
