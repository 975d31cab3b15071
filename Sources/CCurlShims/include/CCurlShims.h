#ifndef ZIMAGE_CCURL_SHIMS_H
#define ZIMAGE_CCURL_SHIMS_H

// Swift cannot call C-variadic functions, and curl_easy_setopt/curl_easy_getinfo are variadic.
// Each wrapper below fixes one argument kind, so Swift calls a plain typed C function.

#include <curl/curl.h>

CURLcode zimage_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode zimage_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode zimage_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode zimage_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode zimage_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode zimage_curl_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value);
CURLcode zimage_curl_setopt_xferinfo_callback(CURL *handle, CURLoption option, curl_xferinfo_callback value);

CURLcode zimage_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode zimage_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode zimage_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode zimage_curl_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode zimage_curl_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

// curl_global_init(CURL_GLOBAL_DEFAULT): the flag is a macro expression Swift does not import.
CURLcode zimage_curl_global_init_default(void);

// curl_version_info(CURLVERSION_NOW): CURLVERSION_NOW is a macro alias Swift does not import.
curl_version_info_data *zimage_curl_version_info(void);

CURLMcode zimage_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Names the calling thread (at most 15 bytes on Linux), as `top -H`, /proc and backtraces show it.
int zimage_name_current_thread(const char *name);

#endif
