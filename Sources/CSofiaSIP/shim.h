// Wrappers for sofia-sip's nua (Debian's libsofia-sip-ua-dev, pkg-config
// `sofia-sip-ua`). Tag lists are variadic and the SIP header structs are deep
// unions of pointers, so Swift only calls the fixed-arity functions below.
// Every pointer returned by a `parley_sip_*` accessor points into the message
// and is valid only during the nua callback that received it.
#ifndef PARLEY_CSOFIASIP_SHIM_H
#define PARLEY_CSOFIASIP_SHIM_H

// su_configure.h defines _GNU_SOURCE; pulling these in first keeps the
// fd_set/fds_bits definitions in one Clang module (TESTING.md).
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/time.h>
#include <poll.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

// Magic pointers are plain `void *` so Swift sees UnsafeMutableRawPointer
// and can pass Unmanaged references through them.
#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#define NUA_MAGIC_T void
#define NUA_HMAGIC_T void

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/url.h>
#include <sofia-sip/su_log.h>
#include <stdarg.h>
#include <stdio.h>

// Exported by libsofia-sip-ua but declared only in private headers.
extern su_log_t nua_log[];
extern su_log_t nta_log[];
extern su_log_t tport_log[];

/// Creates the nua agent bound on `url` (no transport parameter: UDP and TCP
/// on the same port; port 0 picks one) and, with `sips_url` and `tls_dir`,
/// SIP over TLS on `sips_url` (RFC 3261 §26.2.2) with the key and
/// certificate in `tls_dir`/agent.pem. TLS version 0 makes tport use
/// OpenSSL's version-flexible method (version 1 would pin TLS 1.0, which
/// OpenSSL 3 refuses); OpenSSL 3's default security level then admits
/// TLS 1.2 and 1.3 only. Media is disabled: SDP travels as opaque payload
/// strings. Nothing is answered automatically except what the stack must do
/// itself (100 Trying, CANCEL/487, BYE/200, PRACK). OPTIONS comes to us
/// (`NUTAG_APPL_METHOD`): a node that takes no new calls answers a
/// dispatcher's probe 503 (`parley_nua_respond_options`).
static inline nua_t *parley_nua_create(su_root_t *root, nua_callback_f callback, void *magic,
                                       const char *url, const char *sips_url, const char *tls_dir,
                                       const char *user_agent, unsigned session_expires, unsigned min_se) {
    return nua_create(root, callback, magic,
                      NUTAG_URL(url),
                      TAG_IF(sips_url != NULL && tls_dir != NULL, NUTAG_SIPS_URL(sips_url)),
                      TAG_IF(sips_url != NULL && tls_dir != NULL, TPTAG_CERTIFICATE(tls_dir)),
                      TAG_IF(sips_url != NULL && tls_dir != NULL, TPTAG_TLS_VERSION(0)),
                      NUTAG_MEDIA_ENABLE(0),
                      NUTAG_AUTOANSWER(0),
                      NUTAG_AUTOALERT(0),
                      NUTAG_AUTOACK(1),
                      NUTAG_ENABLEMESSAGE(0),
                      NUTAG_APPL_METHOD("OPTIONS"),
                      // RFC 4028: offer a session timer, accept the peer's choice of refresher.
                      NUTAG_SESSION_TIMER(session_expires),
                      NUTAG_MIN_SE(min_se),
                      NUTAG_SESSION_REFRESHER(nua_any_refresher),
                      SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, NOTIFY"),
                      SIPTAG_ACCEPT_STR("application/sdp, application/dtmf-relay, application/dtmf"),
                      TAG_IF(user_agent != NULL, SIPTAG_USER_AGENT_STR(user_agent)),
                      TAG_END());
}

/// Asks for the agent parameters; the answer (nua_r_get_params) carries the bound contact.
static inline void parley_nua_get_params(nua_t *nua) {
    nua_get_params(nua, TAG_ANY(), TAG_END());
}

/// The port of NTATAG_CONTACT in a nua_r_get_params tag list, or -1.
/// With TLS bound too, nta's contact may be the TLS one: then -1, as the
/// port of UDP and TCP is not the one it names.
static inline int parley_tags_contact_port(tagi_t const *tags) {
    sip_contact_t const *m = NULL;
    tl_gets(tags, NTATAG_CONTACT_REF(m), TAG_END());
    if (m == NULL || m->m_url == NULL || m->m_url->url_port == NULL) return -1;
    if (m->m_url->url_type == url_sips) return -1;
    char transport[8] = "";
    if (m->m_url->url_params && url_param(m->m_url->url_params, "transport", transport, sizeof transport) > 0
        && strcasecmp(transport, "tls") == 0) return -1;
    return atoi(m->m_url->url_port);
}

/// NUTAG_CALLSTATE from a nua_i_state tag list, or -1 when absent.
static inline int parley_tags_callstate(tagi_t const *tags) {
    int state = -1;
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    return state;
}

/// Responds on `nh` (to the request being processed for out-of-dialog
/// requests). `sdp` and `headers` ("Name: value\r\n..." lines) are optional.
/// `contact`, when given, replaces the Contact nua would add (a call over
/// TLS gets `sip:…;transport=tls` rather than the `sips:` URI of the TLS
/// transport, which phones that reached us with `sip:` may not support).
static inline void parley_nua_respond(nua_handle_t *nh, int status, const char *phrase,
                                      const char *sdp, const char *headers, const char *contact) {
    nua_respond(nh, status, phrase,
                TAG_IF(sdp != NULL, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(sdp != NULL, SIPTAG_PAYLOAD_STR(sdp)),
                TAG_IF(headers != NULL, SIPTAG_HEADER_STR(headers)),
                TAG_IF(contact != NULL, SIPTAG_CONTACT_STR(contact)),
                TAG_END());
}

/// Responds to the request currently being delivered by the callback.
static inline void parley_nua_respond_current(nua_t *nua, nua_handle_t *nh, int status, const char *phrase) {
    nua_respond(nh, status, phrase, NUTAG_WITH_THIS(nua), TAG_END());
}

/// Answers the OPTIONS being delivered: 200 (nua adds Allow, Accept and
/// Supported), or, while this node takes no new calls, 503 with
/// Retry-After (RFC 3261 §21.5.4), which takes it out of a dispatcher's
/// rotation while in-dialog requests still reach it.
static inline void parley_nua_respond_options(nua_t *nua, nua_handle_t *nh, int accepting) {
    if (accepting) {
        nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), TAG_END());
    } else {
        nua_respond(nh, 503, "Service Unavailable", NUTAG_WITH_THIS(nua), SIPTAG_RETRY_AFTER_STR("30"), TAG_END());
    }
}

/// A handle for an outgoing request; `call_id` may be NULL.
static inline nua_handle_t *parley_nua_handle(nua_t *nua, const char *to, const char *from, const char *call_id) {
    return nua_handle(nua, NULL,
                      SIPTAG_TO_STR(to),
                      TAG_IF(from != NULL, SIPTAG_FROM_STR(from)),
                      TAG_IF(call_id != NULL, SIPTAG_CALL_ID_STR(call_id)),
                      TAG_END());
}

static inline void parley_nua_invite(nua_handle_t *nh, const char *sdp, const char *contact) {
    nua_invite(nh,
               TAG_IF(sdp != NULL, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
               TAG_IF(sdp != NULL, SIPTAG_PAYLOAD_STR(sdp)),
               TAG_IF(contact != NULL, SIPTAG_CONTACT_STR(contact)),
               TAG_END());
}

static inline void parley_nua_bye(nua_handle_t *nh) { nua_bye(nh, TAG_END()); }

/// Sends this call's own requests (BYE, REFER) to `flow`, the address the
/// far end's TCP or TLS connection came from, as the next hop: the tport
/// layer then finds that connection by its peer address and writes on it
/// (connection reuse, the aim of RFC 5923 and RFC 5626's flows), where the
/// Request-URI's Contact would need a new connection that a phone behind NAT,
/// or with no listener of its own, never accepts. The Request-URI stays the
/// Contact (RFC 3261 §12.2.1.1).
static inline void parley_nua_use_flow(nua_handle_t *nh, const char *flow) {
    nua_set_hparams(nh, NUTAG_PROXY(URL_STRING_MAKE(flow)), TAG_END());
}
static inline void parley_nua_cancel(nua_handle_t *nh) { nua_cancel(nh, TAG_END()); }

/// Asks the far end of a call to call `refer_to` instead (REFER, RFC 3515);
/// nua keeps the implicit subscription and reports its NOTIFYs.
static inline void parley_nua_refer(nua_handle_t *nh, const char *refer_to) {
    nua_refer(nh, SIPTAG_REFER_TO_STR(refer_to), TAG_END());
}

/// The Event header's type ("refer" for a transfer's NOTIFY), or NULL.
static inline const char *parley_sip_event_type(sip_t const *sip) {
    return sip && sip->sip_event ? sip->sip_event->o_type : NULL;
}

/// `credentials` is "Digest:\"realm\":user:password" (NUTAG_AUTH syntax).
static inline void parley_nua_authenticate(nua_handle_t *nh, const char *credentials) {
    nua_authenticate(nh, NUTAG_AUTH(credentials), TAG_END());
}

/// REGISTER the handle's AOR at `registrar`; nua refreshes before expiry.
static inline void parley_nua_register(nua_handle_t *nh, const char *registrar, const char *user, const char *expires) {
    nua_register(nh,
                 NUTAG_REGISTRAR(registrar),
                 NUTAG_M_USERNAME(user),
                 SIPTAG_EXPIRES_STR(expires),
                 TAG_END());
}

static inline void parley_nua_unregister(nua_handle_t *nh) { nua_unregister(nh, TAG_END()); }

/// Watches `fd` for input on `root`; returns the registration index (or -1).
static inline int parley_root_register_fd(su_root_t *root, int fd, su_wakeup_f callback, void *arg) {
    su_wait_t wait[1] = { SU_WAIT_INIT };
    if (su_wait_create(wait, fd, SU_WAIT_IN) < 0) return -1;
    return su_root_register(root, wait, callback, arg, 0);
}

// MARK: - Message accessors (NULL when the header is absent)

static inline const char *parley_sip_call_id(sip_t const *sip) {
    return sip && sip->sip_call_id ? sip->sip_call_id->i_id : NULL;
}

/// Body bytes (not NUL-terminated) and their length.
static inline const char *parley_sip_payload(sip_t const *sip, size_t *length) {
    if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data) { *length = 0; return NULL; }
    *length = sip->sip_payload->pl_len;
    return sip->sip_payload->pl_data;
}

static inline const char *parley_sip_content_type(sip_t const *sip) {
    return sip && sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
}

static inline const char *parley_sip_request_user(sip_t const *sip) {
    return sip && sip->sip_request && sip->sip_request->rq_url ? sip->sip_request->rq_url->url_user : NULL;
}

static inline const char *parley_sip_request_host(sip_t const *sip) {
    return sip && sip->sip_request && sip->sip_request->rq_url ? sip->sip_request->rq_url->url_host : NULL;
}

/// Whether the Request-URI is a sips: URI (RFC 3261 §19.1).
static inline int parley_sip_request_is_sips(sip_t const *sip) {
    return sip && sip->sip_request && sip->sip_request->rq_url && sip->sip_request->rq_url->url_type == url_sips;
}

/// Writes the From URI into `buffer`; returns 0 on success.
static inline int parley_sip_from_uri(sip_t const *sip, char *buffer, size_t size) {
    if (!sip || !sip->sip_from || size == 0) return -1;
    issize_t n = url_e(buffer, (isize_t)size, sip->sip_from->a_url);
    if (n < 0 || (size_t)n >= size) return -1;
    buffer[n] = '\0';
    return 0;
}

static inline const char *parley_sip_from_user(sip_t const *sip) {
    return sip && sip->sip_from ? sip->sip_from->a_url->url_user : NULL;
}

static inline const char *parley_sip_from_display(sip_t const *sip) {
    return sip && sip->sip_from ? sip->sip_from->a_display : NULL;
}

static inline const char *parley_sip_to_user(sip_t const *sip) {
    return sip && sip->sip_to ? sip->sip_to->a_url->url_user : NULL;
}

static inline const char *parley_sip_user_agent(sip_t const *sip) {
    return sip && sip->sip_user_agent ? sip->sip_user_agent->g_string : NULL;
}

/// The first Digest Authorization header of a request (RFC 3261 §22.4) as
/// "Digest name=value, ..." in `buf`. Returns its length, 0 when there is
/// none, -1 when it did not fit.
static inline int parley_sip_authorization(sip_t const *sip, char *buf, size_t len) {
    if (len == 0) return -1;
    buf[0] = 0;
    if (!sip) return 0;
    for (msg_auth_t const *au = sip->sip_authorization; au; au = au->au_next) {
        if (!au->au_scheme || strcasecmp(au->au_scheme, "Digest") != 0) continue;
        size_t used = 0;
        int n = snprintf(buf, len, "Digest");
        if (n < 0 || (size_t)n >= len) { buf[0] = 0; return -1; }
        used = (size_t)n;
        for (msg_param_t const *p = au->au_params; p && *p; p++) {
            n = snprintf(buf + used, len - used, "%s%s", p == au->au_params ? " " : ", ", *p);
            if (n < 0 || (size_t)n >= len - used) { buf[0] = 0; return -1; }
            used += (size_t)n;
        }
        return (int)used;
    }
    return 0;
}

/// The headers of a message that sofia does not parse itself (extension
/// headers such as X-Meeting or P-Asserted-Identity), as "Name: value\n"
/// lines in `buf`. Returns 0, or -1 when they did not all fit (those that
/// fitted are there).
static inline int parley_sip_unknown_headers(sip_t const *sip, char *buf, size_t len) {
    size_t used = 0;
    if (len == 0) return -1;
    buf[0] = 0;
    if (!sip) return 0;
    for (sip_unknown_t const *u = sip->sip_unknown; u; u = u->un_next) {
        if (!u->un_name || !u->un_value) continue;
        int n = snprintf(buf + used, len - used, "%s: %s\n", u->un_name, u->un_value);
        if (n < 0 || (size_t)n >= len - used) { buf[used] = 0; return -1; }
        used += (size_t)n;
    }
    return 0;
}

/// Top Via's protocol, e.g. "SIP/2.0/UDP".
static inline const char *parley_sip_via_protocol(sip_t const *sip) {
    return sip && sip->sip_via ? sip->sip_via->v_protocol : NULL;
}

/// Retry-After seconds of a response, or -1.
static inline long parley_sip_retry_after(sip_t const *sip) {
    return sip && sip->sip_retry_after ? (long)sip->sip_retry_after->af_delta : -1;
}

/// Expiry granted by a REGISTER response (Contact expires, else Expires), or -1.
static inline long parley_sip_register_expires(sip_t const *sip) {
    if (!sip) return -1;
    if (sip->sip_contact && sip->sip_contact->m_expires) return atol(sip->sip_contact->m_expires);
    if (sip->sip_expires) return (long)sip->sip_expires->ex_delta;
    return -1;
}

/// The realm (with its quotes) of the first Digest challenge in a 401/407.
static inline const char *parley_sip_auth_realm(sip_t const *sip) {
    if (!sip) return NULL;
    msg_auth_t const *au = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
    for (; au; au = au->au_next) {
        if (au->au_scheme && strcasecmp(au->au_scheme, "Digest") == 0)
            return msg_params_find(au->au_params, "realm=");
    }
    return NULL;
}

/// Source address of the request being delivered (the transport peer, which
/// is what Via received/rport would report, RFC 3261 §18.2.1 / RFC 3581).
/// Writes the IP into `buffer`; returns the port, or -1. `protocol` receives
/// IPPROTO_UDP or IPPROTO_TCP.
static inline int parley_current_source(nua_t *nua, char *buffer, size_t size, int *protocol) {
    msg_t *msg = nua_current_request(nua);
    if (!msg) return -1;
    su_addrinfo_t *ai = msg_addrinfo(msg);
    if (!ai || !ai->ai_addr) return -1;
    *protocol = ai->ai_protocol;
    if (ai->ai_addr->sa_family == AF_INET) {
        struct sockaddr_in const *sin = (struct sockaddr_in const *)(void const *)ai->ai_addr;
        if (!inet_ntop(AF_INET, &sin->sin_addr, buffer, (socklen_t)size)) return -1;
        return ntohs(sin->sin_port);
    }
    if (ai->ai_addr->sa_family == AF_INET6) {
        struct sockaddr_in6 const *sin6 = (struct sockaddr_in6 const *)(void const *)ai->ai_addr;
        if (!inet_ntop(AF_INET6, &sin6->sin6_addr, buffer, (socklen_t)size)) return -1;
        return ntohs(sin6->sin6_port);
    }
    return -1;
}

// MARK: - Logging

/// Receives one formatted sofia log message (often a full line, sometimes a fragment).
typedef void (*parley_log_sink_f)(void *context, char const *text);

/// Where sofia's logs go: `sink(context, text)`. Must outlive the process's use of sofia.
typedef struct parley_log_target {
    parley_log_sink_f sink;
    void *context;
} parley_log_target;

static inline void parley_log_forward(void *stream, char const *fmt, va_list ap) {
    parley_log_target const *target = (parley_log_target const *)stream;
    if (!target || !target->sink || !fmt) return;
    char text[1024];
    vsnprintf(text, sizeof text, fmt, ap);
    target->sink(target->context, text);
}

/// Sends sofia's default, nua, nta and tport logs (process-wide) to `target`
/// instead of stderr; va_list formatting cannot be done from Swift.
static inline void parley_su_log_redirect(parley_log_target *target) {
    su_log_redirect(su_log_default, parley_log_forward, target);
    su_log_redirect(nua_log, parley_log_forward, target);
    su_log_redirect(nta_log, parley_log_forward, target);
    su_log_redirect(tport_log, parley_log_forward, target);
}

#endif
