#ifndef ZIMAGE_CZLIB_SHIM_H
#define ZIMAGE_CZLIB_SHIM_H
#include <zlib.h>
#endif
