// SPDX-License-Identifier: Apache-2.0
// Shared tool plumbing (tool_common.hpp).
#include "tool_common.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <utility>

#include "cpc/io/log.hpp"
#include "cpc/version.hpp"

namespace cpc::tool {
namespace {
std::string g_program = "cpc";
}

int run_main(const char* program_name, int (*body)(int, char**), int argc, char** argv) {
  try {
    g_program = program_name;
    log::set_program(program_name);
    if (sodium_init() < 0) return fail(Status::io("cannot initialise libsodium"));
    return body(argc, argv);
  } catch (const std::bad_alloc&) {
    return fail(Status::io("out of memory"));
  } catch (const std::exception& e) {
    return fail(Status::io(std::string("internal error: ") + e.what()));
  } catch (...) {
    return fail(Status::io("internal error"));
  }
}

const std::string& program() {
  return g_program;
}

void print_error(const Status& s, const std::string& hint) {
  progress::Progress::clear_active();
  std::fprintf(stderr, "%s: %s\n", g_program.c_str(), s.message().c_str());
  if (!hint.empty()) std::fprintf(stderr, "hint: %s\n", hint.c_str());
}

int fail(const Status& s, const std::string& hint) {
  print_error(s, hint);
  return s.exit_code();
}

int finish(io::OutputFile& out, Status s) {
  if (s) s = out.commit();
  if (s) return 0;
  out.discard();
  return fail(s);
}

int finish(io::OutputFile& out, Status s, progress::Progress& bar) {
  const int rc = finish(out, std::move(s));
  if (rc == 0) bar.finish();
  return rc;
}

void add_progress_flags(CLI::App& app, ProgressFlags& flags) {
  auto* q = app.add_flag("-q,--quiet", flags.quiet, "No progress on stderr");
  auto* on = app.add_flag("--progress", flags.always,
                          "Show progress on stderr even when it is not a terminal, from the "
                          "start; keep the last line");
  auto* off = app.add_flag("--no-progress", flags.never, "No progress on stderr (as -q)");
  on->excludes(q)->excludes(off);
}

void add_version_flag(CLI::App& app) {
  app.add_flag_callback(
      "--version",
      [] {
        std::printf("%s %s\n", g_program.c_str(), cpc::kVersion);
        std::exit(0);
      },
      "Print the version and exit");
}

int parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\n", g_program.c_str(), e.what());
    std::fprintf(stderr, "hint: see '%s --help'\n", g_program.c_str());
    return 2;
  }
  return -1;
}

}  // namespace cpc::tool
