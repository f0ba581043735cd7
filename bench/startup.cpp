// SPDX-License-Identifier: Apache-2.0
// Start-up time of the binaries against /bin/true (docs/benchmarks.md "Start-up"): each
// round spawns every command once, in turn (alternating, so load changes hit all alike),
// timing spawn to exit with posix_spawn and a monotonic clock; after all rounds it prints
// each command's median and its ratio to the first command's median.
//
// Usage: startup [--rounds N] [--max-ratio R] -- CMD… [-- CMD…]…
//   e.g. startup --rounds 300 -- /bin/true -- build/tools/cpc-put --version
// With --max-ratio, exits 1 when a command's median exceeds R × the first's.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace {

double spawn_ms(const std::vector<char*>& argv) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "startup: cannot run %s\n", argv[0]);
    std::exit(3);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const auto t1 = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&fa);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "startup: %s failed\n", argv[0]);
    std::exit(3);
  }
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 200;
  double max_ratio = 0;
  std::vector<std::vector<char*>> cmds;
  int i = 1;
  for (; i < argc && std::string(argv[i]) != "--"; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc)
      rounds = std::atoi(argv[++i]);
    else if (a == "--max-ratio" && i + 1 < argc)
      max_ratio = std::atof(argv[++i]);
    else {
      std::fprintf(stderr,
                   "startup: usage: startup [--rounds N] [--max-ratio R] -- CMD… [-- CMD…]\n");
      return 2;
    }
  }
  for (; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      cmds.emplace_back();
      continue;
    }
    cmds.back().push_back(argv[i]);
  }
  if (cmds.size() < 2 || rounds < 1) {
    std::fprintf(stderr, "startup: give at least two commands and --rounds >= 1\n");
    return 2;
  }
  for (auto& c : cmds) c.push_back(nullptr);
  std::vector<std::vector<double>> t(cmds.size());
  for (std::size_t c = 0; c < cmds.size(); ++c) spawn_ms(cmds[c]);  // warm the page cache
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t c = 0; c < cmds.size(); ++c) t[c].push_back(spawn_ms(cmds[c]));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double base = median(t[0]);
  int rc = 0;
  for (std::size_t c = 0; c < cmds.size(); ++c) {
    std::string name;
    for (char* const* a = cmds[c].data(); *a != nullptr; ++a)
      name += (name.empty() ? "" : " ") + std::string(*a);
    const double m = median(t[c]);
    std::printf("%-48s median %.3f ms  %.2fx\n", name.c_str(), m, m / base);
    if (max_ratio > 0 && c > 0 && m > max_ratio * base) rc = 1;
  }
  std::printf("(%d rounds, alternating)\n", rounds);
  return rc;
}
