#include "CAESGCM.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/// One cipher's provider functions, looked up once per process.
typedef struct {
    EVP_CIPHER *cipher;  // fetched once and kept: it keeps its provider loaded
    void *provider_context;
    OSSL_FUNC_cipher_newctx_fn *newctx;
    OSSL_FUNC_cipher_freectx_fn *freectx;
    OSSL_FUNC_cipher_encrypt_init_fn *encrypt_init;
    OSSL_FUNC_cipher_decrypt_init_fn *decrypt_init;
    OSSL_FUNC_cipher_update_fn *update;
    OSSL_FUNC_cipher_final_fn *final;
    OSSL_FUNC_cipher_get_ctx_params_fn *get_ctx_params;
    OSSL_FUNC_cipher_set_ctx_params_fn *set_ctx_params;
} parley_gcm_functions;

struct parley_aes_gcm {
    const parley_gcm_functions *functions;  // NULL: through EVP
    void *provider_cipher;
    EVP_CIPHER_CTX *evp;
    int encrypting;
};

static parley_gcm_functions functions_128, functions_256;
static pthread_once_t once_128 = PTHREAD_ONCE_INIT, once_256 = PTHREAD_ONCE_INIT;

/// Whether the first of the colon-separated `names` is `name`.
static int names_start_with(const char *names, const char *name) {
    size_t n = strlen(name);
    return strncmp(names, name, n) == 0 && (names[n] == ':' || names[n] == '\0');
}

static void look_up(parley_gcm_functions *f, const char *name) {
    f->cipher = EVP_CIPHER_fetch(NULL, name, NULL);
    if (f->cipher == NULL) return;
    const OSSL_PROVIDER *provider = EVP_CIPHER_get0_provider(f->cipher);
    int no_cache = 0;
    const OSSL_ALGORITHM *algorithms = OSSL_PROVIDER_query_operation(provider, OSSL_OP_CIPHER, &no_cache);
    parley_gcm_functions found = *f;
    for (const OSSL_ALGORITHM *a = algorithms; a != NULL && a->algorithm_names != NULL; a++) {
        if (!names_start_with(a->algorithm_names, name)) continue;
        for (const OSSL_DISPATCH *d = a->implementation; d->function_id != 0; d++) {
            switch (d->function_id) {
            case OSSL_FUNC_CIPHER_NEWCTX: found.newctx = OSSL_FUNC_cipher_newctx(d); break;
            case OSSL_FUNC_CIPHER_FREECTX: found.freectx = OSSL_FUNC_cipher_freectx(d); break;
            case OSSL_FUNC_CIPHER_ENCRYPT_INIT: found.encrypt_init = OSSL_FUNC_cipher_encrypt_init(d); break;
            case OSSL_FUNC_CIPHER_DECRYPT_INIT: found.decrypt_init = OSSL_FUNC_cipher_decrypt_init(d); break;
            case OSSL_FUNC_CIPHER_UPDATE: found.update = OSSL_FUNC_cipher_update(d); break;
            case OSSL_FUNC_CIPHER_FINAL: found.final = OSSL_FUNC_cipher_final(d); break;
            case OSSL_FUNC_CIPHER_GET_CTX_PARAMS: found.get_ctx_params = OSSL_FUNC_cipher_get_ctx_params(d); break;
            case OSSL_FUNC_CIPHER_SET_CTX_PARAMS: found.set_ctx_params = OSSL_FUNC_cipher_set_ctx_params(d); break;
            default: break;
            }
        }
        break;
    }
    if (algorithms != NULL) OSSL_PROVIDER_unquery_operation(provider, OSSL_OP_CIPHER, algorithms);
    // Every function or none: a partial table falls back to EVP.
    if (found.newctx && found.freectx && found.encrypt_init && found.decrypt_init && found.update && found.final
        && found.get_ctx_params && found.set_ctx_params) {
        found.provider_context = OSSL_PROVIDER_get0_provider_ctx(provider);
        *f = found;
    }
}

static void look_up_128(void) { look_up(&functions_128, "AES-128-GCM"); }
static void look_up_256(void) { look_up(&functions_256, "AES-256-GCM"); }

static int direct(const parley_gcm_functions *f) { return f->newctx != NULL && f->provider_context != NULL; }

parley_aes_gcm *parley_aes_gcm_new(const unsigned char *key, size_t key_length, int encrypting, int through_evp) {
    parley_gcm_functions *f;
    if (key_length == 16) {
        pthread_once(&once_128, look_up_128);
        f = &functions_128;
    } else if (key_length == 32) {
        pthread_once(&once_256, look_up_256);
        f = &functions_256;
    } else {
        return NULL;
    }
    if (f->cipher == NULL) return NULL;
    parley_aes_gcm *gcm = calloc(1, sizeof *gcm);
    if (gcm == NULL) return NULL;
    gcm->encrypting = encrypting ? 1 : 0;
    if (direct(f) && !through_evp) {
        gcm->provider_cipher = f->newctx(f->provider_context);
        int keyed = gcm->provider_cipher != NULL
            && (encrypting ? f->encrypt_init : f->decrypt_init)(gcm->provider_cipher, key, key_length, NULL, 0, NULL) == 1;
        if (keyed) {
            gcm->functions = f;
            return gcm;
        }
        if (gcm->provider_cipher != NULL) f->freectx(gcm->provider_cipher);
        gcm->provider_cipher = NULL;
    }
    gcm->evp = EVP_CIPHER_CTX_new();
    if (gcm->evp == NULL || EVP_CipherInit_ex(gcm->evp, f->cipher, NULL, key, NULL, gcm->encrypting) != 1) {
        parley_aes_gcm_free(gcm);
        return NULL;
    }
    return gcm;
}

void parley_aes_gcm_free(parley_aes_gcm *gcm) {
    if (gcm == NULL) return;
    if (gcm->functions != NULL && gcm->provider_cipher != NULL) gcm->functions->freectx(gcm->provider_cipher);
    if (gcm->evp != NULL) EVP_CIPHER_CTX_free(gcm->evp);
    free(gcm);
}

int parley_aes_gcm_is_direct(const parley_aes_gcm *gcm) { return gcm->functions != NULL; }

int parley_aes_gcm_start(parley_aes_gcm *gcm, const unsigned char *iv) {
    const parley_gcm_functions *f = gcm->functions;
    if (f == NULL) return EVP_CipherInit_ex(gcm->evp, NULL, NULL, NULL, iv, -1);
    // A NULL key keeps the key; a new IV restarts the message.
    return (gcm->encrypting ? f->encrypt_init : f->decrypt_init)(gcm->provider_cipher, NULL, 0, iv, 12, NULL);
}

int parley_aes_gcm_authenticate(parley_aes_gcm *gcm, const unsigned char *bytes, size_t length) {
    const parley_gcm_functions *f = gcm->functions;
    if (f == NULL) {
        int written = 0;
        return EVP_CipherUpdate(gcm->evp, NULL, &written, bytes, (int)length);
    }
    // The provider checks the output size even for additional data, which writes nothing.
    size_t written = 0;
    return f->update(gcm->provider_cipher, NULL, &written, length, bytes, length);
}

int parley_aes_gcm_update(parley_aes_gcm *gcm, const unsigned char *in, unsigned char *out, size_t length) {
    if (length == 0) return 1;
    const parley_gcm_functions *f = gcm->functions;
    if (f == NULL) {
        int written = 0;
        return EVP_CipherUpdate(gcm->evp, out, &written, in, (int)length);
    }
    size_t written = 0;
    return f->update(gcm->provider_cipher, out, &written, length, in, length);
}

int parley_aes_gcm_seal(parley_aes_gcm *gcm, unsigned char *tag) {
    const parley_gcm_functions *f = gcm->functions;
    if (f == NULL) {
        int written = 0;
        return EVP_CipherFinal_ex(gcm->evp, tag, &written) == 1
            && EVP_CIPHER_CTX_ctrl(gcm->evp, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    }
    size_t written = 0;
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
        OSSL_PARAM_construct_end(),
    };
    return f->final(gcm->provider_cipher, tag, &written, 0) == 1 && f->get_ctx_params(gcm->provider_cipher, params) == 1;
}

int parley_aes_gcm_open(parley_aes_gcm *gcm, const unsigned char *tag) {
    const parley_gcm_functions *f = gcm->functions;
    if (f == NULL) {
        int written = 0;
        unsigned char end[16];
        return EVP_CIPHER_CTX_ctrl(gcm->evp, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1
            && EVP_CipherFinal_ex(gcm->evp, end, &written) == 1;
    }
    size_t written = 0;
    unsigned char end[16];
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)tag, 16),
        OSSL_PARAM_construct_end(),
    };
    return f->set_ctx_params(gcm->provider_cipher, params) == 1 && f->final(gcm->provider_cipher, end, &written, 0) == 1;
}
