#ifndef ZIMAGE_CCURL_SHIM_H
#define ZIMAGE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
