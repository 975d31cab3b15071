#ifndef ZIMAGE_CCRYPTO_SHIM_H
#define ZIMAGE_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
