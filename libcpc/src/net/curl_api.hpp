// SPDX-License-Identifier: Apache-2.0
// Internal to cpc_net_client: libcurl, loaded with dlopen("libcurl.so.4") the first time a
// request is made, not when the program starts. libcurl pulls in some thirty shared
// libraries (GnuTLS, Kerberos, LDAP, …) whose loading cost a tool ~4.5 ms at every start,
// --help and offline work included; loaded on demand, only the runs that talk to a node
// pay it (docs/benchmarks.md "Start-up"). The Debian package names libcurl4 in Depends.
//
// Thread safety: curl() is thread-safe; the functions are libcurl's own.
#pragma once

#define CURL_DISABLE_TYPECHECK  // the table holds plain function pointers
#include <curl/curl.h>

#include <string>

namespace cpc::net::detail {

struct CurlApi {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_poll) multi_poll;
};

// libcurl (7.85.0 or later), loaded and globally initialised once per process; nullptr
// when it cannot be loaded, and then curl_error() says why ("cannot load libcurl.so.4: …").
//
// CURL_DISABLE_TYPECHECK turns off GCC's checks of easy_setopt's and easy_getinfo's
// variadic arguments: every call passes `long` for long options, `curl_off_t` for _LARGE
// ones, pointers for the rest, as libcurl's documentation of each option says.
const CurlApi* curl();
const std::string& curl_error();

}  // namespace cpc::net::detail
