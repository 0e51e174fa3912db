// Wrappers for libsrtp2 (Debian's libsrtp2-dev): policy set-up in one call so
// Swift never touches srtp_policy_t's nested unions.
#ifndef PARLEY_CSRTP_SHIM_H
#define PARLEY_CSRTP_SHIM_H

#include <string.h>
#include <srtp2/srtp.h>

/// Profiles negotiated by DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2).
enum parley_srtp_profile {
    PARLEY_SRTP_AES128_CM_SHA1_80 = 1,
    PARLEY_SRTP_AEAD_AES_128_GCM = 7,
};

/// Creates a session for one direction. `key` is master key || master salt
/// (16+14 bytes for AES-CM, 16+12 for GCM). `inbound` selects ssrc_any_inbound
/// (unprotect) or ssrc_any_outbound (protect). Retransmissions of the same
/// packet are allowed on output (answering NACKs from the packet cache).
static inline srtp_err_status_t parley_srtp_create(srtp_t *session, int profile, const unsigned char *key, int inbound) {
    srtp_policy_t policy;
    memset(&policy, 0, sizeof(policy));
    if (profile == PARLEY_SRTP_AEAD_AES_128_GCM) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
        srtp_crypto_policy_set_rtp_default(&policy.rtp);
        srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
    }
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.key = (unsigned char *)key;
    policy.window_size = 4096;
    policy.allow_repeat_tx = 1;
    policy.next = NULL;
    return srtp_create(session, &policy);
}

#endif
