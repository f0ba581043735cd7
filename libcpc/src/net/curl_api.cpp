// SPDX-License-Identifier: Apache-2.0
// Loading libcurl on first use (curl_api.hpp).
#include "curl_api.hpp"

#include <dlfcn.h>

#include <mutex>

namespace cpc::net::detail {

namespace {

CurlApi g_api{};
std::string g_error;

template <typename F>
bool bind(void* lib, F& slot, const char* name) {
  slot = reinterpret_cast<F>(dlsym(lib, name));
  if (slot == nullptr) g_error = std::string("libcurl.so.4 lacks ") + name;
  return slot != nullptr;
}

bool load() {
  // RTLD_NODELETE: handles live in thread_local caches destroyed after any unload point.
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (lib == nullptr) {
    const char* why = dlerror();
    g_error = std::string("cannot load libcurl.so.4: ") + (why != nullptr ? why : "?") +
              " (install libcurl4)";
    return false;
  }
  CurlApi& a = g_api;
  const bool ok =
      bind(lib, a.global_init, "curl_global_init") && bind(lib, a.easy_init, "curl_easy_init") &&
      bind(lib, a.easy_cleanup, "curl_easy_cleanup") &&
      bind(lib, a.easy_reset, "curl_easy_reset") && bind(lib, a.easy_setopt, "curl_easy_setopt") &&
      bind(lib, a.easy_perform, "curl_easy_perform") &&
      bind(lib, a.easy_getinfo, "curl_easy_getinfo") &&
      bind(lib, a.easy_strerror, "curl_easy_strerror") &&
      bind(lib, a.slist_append, "curl_slist_append") &&
      bind(lib, a.slist_free_all, "curl_slist_free_all") &&
      bind(lib, a.multi_init, "curl_multi_init") &&
      bind(lib, a.multi_setopt, "curl_multi_setopt") &&
      bind(lib, a.multi_cleanup, "curl_multi_cleanup") &&
      bind(lib, a.multi_add_handle, "curl_multi_add_handle") &&
      bind(lib, a.multi_remove_handle, "curl_multi_remove_handle") &&
      bind(lib, a.multi_perform, "curl_multi_perform") &&
      bind(lib, a.multi_info_read, "curl_multi_info_read") &&
      bind(lib, a.multi_poll, "curl_multi_poll");
  if (!ok) return false;
  // 7.85 has CURLOPT_PROTOCOLS_STR, which keeps every request to http and https: URLs
  // come from the chain and the DHT, and an older libcurl would ignore the option and
  // follow file:// or gopher:// where a hostile record points.
  decltype(&::curl_version_info) version_info = nullptr;
  if (!bind(lib, version_info, "curl_version_info")) return false;
  const curl_version_info_data* v = version_info(CURLVERSION_NOW);
  if (v == nullptr || v->version_num < 0x075500) {
    g_error = std::string("libcurl ") + (v != nullptr ? v->version : "?") +
              " is too old (7.85.0 or later needed)";
    return false;
  }
  if (a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    g_error = "cannot initialise libcurl";
    return false;
  }
  return true;
}

}  // namespace

const CurlApi* curl() {
  static std::once_flag once;
  static bool loaded = false;
  std::call_once(once, [] { loaded = load(); });
  return loaded ? &g_api : nullptr;
}

const std::string& curl_error() {
  return g_error;
}

}  // namespace cpc::net::detail
