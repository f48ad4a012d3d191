/*
 * A SHA-1's state in the portable form any process can continue (util/sha1-state.ts): the five
 * words of the hash (big-endian), the count of bytes hashed (64 bits, big-endian), then the bytes
 * of the last, incomplete block (count % 64 of them). Used by sha1-pool.c and the socket body.
 */
#ifndef MWUP_SHA1_PORTABLE_H
#define MWUP_SHA1_PORTABLE_H
/* The SHA1_* functions are deprecated in OpenSSL 3 for its EVP ones, which cannot save a state. */
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>
#include <stdint.h>
#include <string.h>

/* A saved state's head: the hash's five words and the byte count; up to 63 bytes follow. */
#define STATE_HEAD 28
#define STATE_MAX (STATE_HEAD + SHA_CBLOCK)

/* `ctx` continuing the saved state `bytes`; 0 if they are not one. */
static inline int RestoreSha1(SHA_CTX *ctx, const uint8_t *bytes, size_t length) {
  if (length < STATE_HEAD || length - STATE_HEAD >= SHA_CBLOCK) return 0;
  uint64_t count = 0;
  for (int i = 20; i < 28; i++) count = (count << 8) | bytes[i];
  size_t pending = length - STATE_HEAD;
  if (count % SHA_CBLOCK != pending || count >> 61) return 0;
  SHA1_Init(ctx);
  SHA_LONG *words[5] = {&ctx->h0, &ctx->h1, &ctx->h2, &ctx->h3, &ctx->h4};
  for (int w = 0; w < 5; w++) {
    const uint8_t *b = bytes + 4 * w;
    *words[w] = (SHA_LONG)b[0] << 24 | (SHA_LONG)b[1] << 16 | (SHA_LONG)b[2] << 8 | b[3];
  }
  uint64_t bits = count << 3;
  ctx->Nl = (SHA_LONG)(bits & 0xffffffffu);
  ctx->Nh = (SHA_LONG)(bits >> 32);
  memcpy(ctx->data, bytes + STATE_HEAD, pending);
  ctx->num = (unsigned int)pending;
  return 1;
}

/* The saved state of `ctx` in `state` (at least STATE_MAX bytes); returns its length. */
static inline size_t SaveSha1(const SHA_CTX *ctx, uint8_t *state) {
  const SHA_LONG words[5] = {ctx->h0, ctx->h1, ctx->h2, ctx->h3, ctx->h4};
  for (int w = 0; w < 5; w++) {
    state[4 * w] = (uint8_t)(words[w] >> 24);
    state[4 * w + 1] = (uint8_t)(words[w] >> 16);
    state[4 * w + 2] = (uint8_t)(words[w] >> 8);
    state[4 * w + 3] = (uint8_t)words[w];
  }
  uint64_t count = (((uint64_t)ctx->Nh << 32) | ctx->Nl) >> 3;
  for (int i = 0; i < 8; i++) state[20 + i] = (uint8_t)(count >> (56 - 8 * i));
  size_t pending = ctx->num;
  memcpy(state + STATE_HEAD, ctx->data, pending);
  return STATE_HEAD + pending;
}

#endif
