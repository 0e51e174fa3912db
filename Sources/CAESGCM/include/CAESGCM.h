// AES-GCM for SRTP (RFC 7714) with the per-packet cost of OpenSSL 3's EVP
// layer taken out. A forwarded packet is one short AEAD operation; through
// EVP each one also looks cipher parameters up by name (`OSSL_PARAM_locate`,
// `strcmp`) for the IV length, the IV and the tag. Here the cipher is
// fetched once and its provider's own functions (the provider-cipher(7)
// interface that EVP itself calls) are used directly: measured 440 → 355 ns
// for a 1,100-byte packet on this project's build machine, same tags. When a
// provider does not offer them, the same calls go through EVP.
#pragma once
#include <stddef.h>

typedef struct parley_aes_gcm parley_aes_gcm;

/// A context for AES-128-GCM (`key_length` 16) or AES-256-GCM (32) that
/// encrypts (`encrypting` 1) or decrypts (0) with `key`; NULL on failure.
/// `through_evp` 1 skips the provider's functions (the tests check one path
/// against the other).
parley_aes_gcm *parley_aes_gcm_new(const unsigned char *key, size_t key_length, int encrypting, int through_evp);

void parley_aes_gcm_free(parley_aes_gcm *gcm);

/// 1 when this context calls the provider directly, 0 when through EVP.
int parley_aes_gcm_is_direct(const parley_aes_gcm *gcm);

/// Starts a message under the 12-byte `iv`; 1 on success.
int parley_aes_gcm_start(parley_aes_gcm *gcm, const unsigned char *iv);

/// Adds `length` bytes of additional authenticated data (all of it before any text).
int parley_aes_gcm_authenticate(parley_aes_gcm *gcm, const unsigned char *bytes, size_t length);

/// Encrypts or decrypts `length` bytes from `in` to `out` (the same place, or
/// not overlapping at all).
int parley_aes_gcm_update(parley_aes_gcm *gcm, const unsigned char *in, unsigned char *out, size_t length);

/// Ends an encryption and writes its 16-byte tag to `tag`; 1 on success.
int parley_aes_gcm_seal(parley_aes_gcm *gcm, unsigned char *tag);

/// Ends a decryption: 1 when the 16-byte `tag` authenticates the message.
int parley_aes_gcm_open(parley_aes_gcm *gcm, const unsigned char *tag);
