// SPDX-License-Identifier: Apache-2.0
// cpc::log: the text line is the program's historical one, byte for byte; the JSON line is
// one object with time (RFC 3339 UTC), level, msg and the fields; write() goes to the sink.
#include "cpc/io/log.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using cpc::log::Format;
using cpc::log::Level;

TEST_CASE("log: RFC 3339 UTC times with milliseconds", "[log]") {
  CHECK(cpc::log::rfc3339_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(cpc::log::rfc3339_utc(1767225600000) == "2026-01-01T00:00:00.000Z");
  CHECK(cpc::log::rfc3339_utc(1795695654043) == "2026-11-26T12:20:54.043Z");
}

TEST_CASE("log: text lines are PROGRAM: TEXT, unchanged", "[log]") {
  const std::string line =
      cpc::log::format_line(Format::kText, Level::kInfo, "cpc-node", 0, "committed block",
                            {{"height", 7}, {"txs", 2}}, "committed block 7 (2 txs) 3f2a1c0b");
  CHECK(line == "cpc-node: committed block 7 (2 txs) 3f2a1c0b\n");
}

TEST_CASE("log: JSON lines are one object with time, level, msg first", "[log]") {
  const std::string line = cpc::log::format_line(
      Format::kJson, Level::kError, "cpc-node", 1767225600123, "chain halted",
      {{"reason", "bad \"block\"\n"}, {"height", 9}, {"msg", "ignored"}}, "chain halted: x");
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // one line
  CHECK(line.rfind(R"({"time":"2026-01-01T00:00:00.123Z","level":"error","msg":"chain halted",)",
                   0) == 0);
  auto j = nlohmann::json::parse(line);
  CHECK(j["reason"] == "bad \"block\"\n");
  CHECK(j["height"] == 9);
  CHECK(j["msg"] == "chain halted");
  // Invalid UTF-8 in a field is replaced, never thrown on.
  const std::string bad = cpc::log::format_line(Format::kJson, Level::kInfo, "p", 0, "m",
                                                {{"path", std::string("a\xff")}}, "");
  CHECK(nlohmann::json::parse(bad)["path"] == "a\xEF\xBF\xBD");
}

TEST_CASE("log: formats by name, and write() uses the current format", "[log]") {
  CHECK(cpc::log::parse_format("text").value() == Format::kText);
  CHECK(cpc::log::parse_format("json").value() == Format::kJson);
  CHECK_FALSE(cpc::log::parse_format("xml"));
  std::vector<std::string> lines;
  cpc::log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  cpc::log::set_program("cpc-test");
  cpc::log::info("listening", {{"url", "http://x"}}, "listening on http://x");
  cpc::log::set_format(Format::kJson);
  cpc::log::info("listening", {{"url", "http://x"}}, "listening on http://x");
  cpc::log::set_format(Format::kText);
  cpc::log::set_sink(nullptr);
  cpc::log::set_program("cpc");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "cpc-test: listening on http://x\n");
  auto j = nlohmann::json::parse(lines[1]);
  CHECK(j["level"] == "info");
  CHECK(j["msg"] == "listening");
  CHECK(j["url"] == "http://x");
  CHECK(j["time"].get<std::string>().size() == 24);
}
