// SPDX-License-Identifier: Apache-2.0
// What every binary shares beyond libcpc: the program name in error messages, turning a
// cpc::Status into "cpc-x: message" on stderr plus an exit status (docs/cli.md), and the standard
// --version flag. Anything with logic in it belongs in libcpc, not here.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cpc/io/file.hpp"
#include "cpc/io/progress.hpp"
#include "cpc/status.hpp"

namespace cpc::tool {

// A tool's main(): initialises libsodium (exit 3 if it cannot), records the program name
// and runs `body`. Any exception that escapes `body` — libcpc throws none, but CLI11 and the
// standard library can (std::bad_alloc first of all) — unwinds it, so an OutputFile it holds
// removes its temporary file, and becomes one line "program: …" and exit 3.
int run_main(const char* program_name, int (*body)(int, char**), int argc, char** argv);

// The program name given to run_main().
const std::string& program();

// Prints "program: message" (and "hint: …" when non-empty) to stderr, after erasing a
// progress line if one is drawn.
void print_error(const Status& s, const std::string& hint = "");

// Prints the error and returns its exit status, for `return fail(status);` in main().
int fail(const Status& s, const std::string& hint = "");

// Ends a run that wrote to `out`: commits it when `s` is ok (returning 0), else discards it
// (no partial output) and reports `s` (returning its exit status).
int finish(io::OutputFile& out, Status s);
// The same, and once the output is committed the progress line is finished (erased, or
// left as the final line with --progress).
int finish(io::OutputFile& out, Status s, progress::Progress& bar);

// -q/--quiet, --progress and --no-progress of the tools that move many bytes.
struct ProgressFlags {
  bool quiet = false, always = false, never = false;
  progress::Mode mode() const { return progress::mode_from_flags(always, quiet || never); }
};
void add_progress_flags(CLI::App& app, ProgressFlags& flags);

// Adds --version (prints "program version") to `app`.
void add_version_flag(CLI::App& app);

// Runs CLI11's parser; on a usage error prints one line and a hint to use --help and
// returns 2; on --help prints help and returns 0; otherwise returns -1 (carry on).
int parse(CLI::App& app, int argc, char** argv);

}  // namespace cpc::tool
