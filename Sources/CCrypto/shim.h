#ifndef ZIMAGE_CCRYPTO_SHIM_H
#define ZIMAGE_CCRYPTO_SHIM_H
// SHA-256's own functions (SHA256_Init, _Update, _Final) on a SHA256_CTX the caller holds: no allocation, so no call
// can fail, and a copied context is a copied digest. OpenSSL 3 marks them deprecated in favour of EVP, whose context
// must be allocated (and so can fail); they are the same code EVP calls, and remain in OpenSSL 3.x.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#endif
