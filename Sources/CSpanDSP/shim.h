// spandsp (Debian's libspandsp-dev, 0.0.6) for Swift. The piece headers are not
// self-contained and the umbrella <spandsp.h> needs libtiff headers, so this
// includes exactly the prerequisites, in the umbrella header's order, followed by
// the pieces Parley uses: G.711, G.722, PLC and DTMF.
#ifndef PARLEY_CSPANDSP_SHIM_H
#define PARLEY_CSPANDSP_SHIM_H

#include <stdlib.h>
#include <inttypes.h>
#include <string.h>
#include <limits.h>
#include <time.h>
#include <math.h>
#include <stdbool.h>

#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/complex.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
#include <spandsp/plc.h>
#include <spandsp/tone_detect.h>
#include <spandsp/tone_generate.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>

// linear_to_ulaw & co are `static __inline__` in g711.h and import as-is; these
// block wrappers keep the per-sample loop in C (one call per 20 ms frame).

/// Encodes `n` linear samples to u-law (PCMU).
static inline void parley_ulaw_encode(uint8_t *dst, const int16_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = linear_to_ulaw(src[i]);
}
/// Decodes `n` u-law bytes to linear.
static inline void parley_ulaw_decode(int16_t *dst, const uint8_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = ulaw_to_linear(src[i]);
}
/// Encodes `n` linear samples to A-law (PCMA).
static inline void parley_alaw_encode(uint8_t *dst, const int16_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = linear_to_alaw(src[i]);
}
/// Decodes `n` A-law bytes to linear.
static inline void parley_alaw_decode(int16_t *dst, const uint8_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = alaw_to_linear(src[i]);
}

#endif
