#pragma once
// Command-line entry functions: click / typer commands (also Flask's `app.cli.command`). One
// command runs per process, and the process ends when the command returns or raises: what the
// command's own exit paths leave open is released by the exit.
#include <string>
#include <vector>

#include "py/module.h"

namespace sqla {

/// True when `function` is a click / typer command: a decorator from click, typer, asyncclick,
/// rich_click or cloup (`@click.command()`, `@click.option(...)`), or a `.command(...)` /
/// `.group(...)` decorator in a module that imports click or typer (`@cli.command("run")`,
/// `@app.command()` on a typer.Typer), or Flask's `@app.cli.command(...)`.
bool is_cli_command(const py::FunctionInfo& function, const py::Module& module);

/// The qualified names of the module's CLI command functions.
std::vector<std::string> cli_commands(const py::Module& module);

}  // namespace sqla
