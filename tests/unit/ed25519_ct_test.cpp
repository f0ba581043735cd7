// SPDX-License-Identifier: Apache-2.0
// The constant-time claim of ed25519_field.hpp, ed25519_point.hpp and ct_mul.hpp, checked on
// the machine code this build produced (crypto.md §5.7): the routines marked [checked] in
// those headers, and every function they call, are disassembled (nm for the symbols, objdump
// for the code) and must contain
//   - no forward conditional jump: the only conditional jumps allowed are backward ones,
//     the back-edges of loops (whose trip counts the source fixes at compile time);
//   - no indirect jump or call (a jump table indexed by data);
//   - no integer division (its latency depends on the operands);
//   - no call to a function outside the checked set (libc, a variable-time helper).
// What it cannot see: a secret-dependent memory index (the table lookup reads all 8 entries
// by construction, ct_mul.cpp) and a loop whose trip count depends on data; those rest on
// the source. It is static, so it cannot fail because the machine is busy. x86-64 only;
// skipped in unoptimised and sanitized builds, whose instrumentation adds branches.
#include <cxxabi.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::string demangle(const std::string& name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(
      abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && d ? std::string(d.get()) : name;
}

struct Symbol {
  std::uint64_t start, size;
  std::string name;  // demangled
};

// Function symbols by start address, from `nm -S` (address, size, type, name).
std::map<std::uint64_t, Symbol> functions(const std::string& exe, bool* instrumented) {
  std::map<std::uint64_t, Symbol> out;
  std::istringstream in(run("nm -S --defined-only '" + exe + "'"));
  std::string line;
  *instrumented = false;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string addr, size, type, name;
    if (!(f >> addr >> size >> type >> name)) continue;
    if (name.rfind("__asan_", 0) == 0 || name.rfind("__ubsan_", 0) == 0 ||
        name.rfind("__tsan_", 0) == 0 || name.rfind("__msan_", 0) == 0) {
      *instrumented = true;
    }
    if (type != "t" && type != "T" && type != "W" && type != "w") continue;
    Symbol s{std::stoull(addr, nullptr, 16), std::stoull(size, nullptr, 16), demangle(name)};
    if (s.size > 0) out[s.start] = s;
  }
  return out;
}

const Symbol* containing(const std::map<std::uint64_t, Symbol>& fns, std::uint64_t addr) {
  auto it = fns.upper_bound(addr);
  if (it == fns.begin()) return nullptr;
  --it;
  return addr < it->second.start + it->second.size ? &it->second : nullptr;
}

// The instructions of one function that break the rules, and the functions it calls.
void inspect(const std::string& exe, const Symbol& fn, const std::map<std::uint64_t, Symbol>& fns,
             std::vector<std::string>& violations, std::vector<const Symbol*>& callees) {
  char range[96];
  std::snprintf(range, sizeof range, " --start-address=0x%llx --stop-address=0x%llx",
                static_cast<unsigned long long>(fn.start),
                static_cast<unsigned long long>(fn.start + fn.size));
  std::istringstream in(
      run("objdump -d --no-show-raw-insn" + std::string(range) + " '" + exe + "'"));
  static const std::regex kLine(R"(^\s*([0-9a-f]+):\s+(\S.*)$)");
  static const std::set<std::string> kPrefixes = {"bnd",    "notrack", "lock", "rep",
                                                  "repz",   "repnz",   "repe", "repne",
                                                  "data16", "cs",      "ds",   "addr32"};
  static const std::regex kDivision(R"(^i?div[bwlq]?$)");
  std::string line;
  std::size_t count = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) continue;
    const std::uint64_t addr = std::stoull(m[1], nullptr, 16);
    std::istringstream words(m[2].str());
    std::string mnemonic, operands;
    while (words >> mnemonic && kPrefixes.count(mnemonic) > 0) {
    }
    std::getline(words, operands);
    const auto first = operands.find_first_not_of(" \t");
    operands = first == std::string::npos ? "" : operands.substr(first);
    ++count;
    const std::string where = fn.name + " +" + std::to_string(addr - fn.start) + ": " + m[2].str();
    const bool jump = !mnemonic.empty() && mnemonic[0] == 'j';
    const bool call = mnemonic.rfind("call", 0) == 0;
    if ((jump || call) && !operands.empty() && operands[0] == '*') {
      violations.push_back("indirect " + where);
      continue;
    }
    if (std::regex_match(mnemonic, kDivision)) {
      violations.push_back("division " + where);
      continue;
    }
    if (!jump && !call) continue;
    const std::uint64_t target = std::stoull(operands, nullptr, 16);
    if (call) {
      const Symbol* callee = containing(fns, target);
      if (callee == nullptr || callee->start != target) {
        violations.push_back("call outside the checked code " + where);
      } else {
        callees.push_back(callee);
      }
    } else if (mnemonic != "jmp" && mnemonic != "jmpq") {
      // A conditional jump: only a loop's back-edge, inside this function.
      if (target > addr || target < fn.start) violations.push_back("conditional " + where);
    } else if (target < fn.start || target >= fn.start + fn.size) {
      // A tail call is a call; any other jump out of the function is not expected.
      const Symbol* callee = containing(fns, target);
      if (callee != nullptr && callee->start == target) {
        callees.push_back(callee);
      } else {
        violations.push_back("jump out of the function " + where);
      }
    }
  }
  if (count == 0) violations.push_back("no instructions disassembled for " + fn.name);
}

}  // namespace

TEST_CASE(
    "ed25519 field and ristretto: constant-time routines have no data-dependent "
    "branch in the machine code",
    "[ed25519][field][ristretto][ct_mul][objdump]") {
#if !defined(__x86_64__) || !defined(__OPTIMIZE__)
  WARN("skipped: the disassembly check is for optimised x86-64 builds");
  return;
#else
  const std::string exe = self_path();
  REQUIRE(!exe.empty());
  bool instrumented = false;
  const auto fns = functions(exe, &instrumented);
  REQUIRE(!fns.empty());  // nm found the symbols (binutils is installed with g++)
  if (instrumented) {
    WARN("skipped: sanitizer instrumentation adds branches of its own");
    return;
  }
  // The roots: every operation the headers mark [checked]. Each must exist in this binary.
  const std::vector<std::string> roots = {
      "cpc::ed25519::from_u64(",
      "cpc::ed25519::from_bytes(",
      "cpc::ed25519::reduce(",
      "cpc::ed25519::to_bytes(",
      "cpc::ed25519::invert(",
      "cpc::ed25519::pow22523(",
      "cpc::ed25519::is_zero(",
      "cpc::ed25519::ct_digits(",
      "cpc::ed25519::ct_mul<4ul>(",
      "cpc::ed25519::ct_mul<64ul>(",
      "cpc::ed25519::(anonymous namespace)::encode_lanes<1ul>(",
      "cpc::ed25519::(anonymous namespace)::encode_lanes<5ul>(",
      "cpc::ed25519::(anonymous namespace)::decode_lanes<1ul>(",
      "cpc::ed25519::(anonymous namespace)::decode_lanes<2ul>(",
      "cpc::ed25519::(anonymous namespace)::decode_lanes<4ul>(",
  };
  std::vector<const Symbol*> todo;
  for (const auto& root : roots) {
    std::size_t found = 0;
    for (const auto& [start, s] : fns) {
      if (s.name.find(root) != std::string::npos) {
        todo.push_back(&s);
        ++found;
      }
    }
    CAPTURE(root);
    CHECK(found > 0);
  }
  std::set<std::uint64_t> seen;
  std::vector<std::string> violations;
  while (!todo.empty()) {
    const Symbol* fn = todo.back();
    todo.pop_back();
    if (!seen.insert(fn->start).second) continue;
    std::vector<const Symbol*> callees;
    inspect(exe, *fn, fns, violations, callees);
    todo.insert(todo.end(), callees.begin(), callees.end());
  }
  INFO(seen.size() << " functions checked");
  for (const auto& v : violations) UNSCOPED_INFO(v);
  CHECK(violations.empty());
  CHECK(seen.size() >= roots.size());
#endif
}
