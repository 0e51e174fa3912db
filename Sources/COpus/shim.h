// Fixed-arity wrappers for libopus (Debian's libopus-dev): opus_encoder_ctl and
// opus_decoder_ctl are variadic and their request macros are function-like, so
// neither imports into Swift.
#ifndef PARLEY_COPUS_SHIM_H
#define PARLEY_COPUS_SHIM_H

#include <opus/opus.h>

static inline int parley_opus_set_bitrate(OpusEncoder *e, opus_int32 bps) { return opus_encoder_ctl(e, OPUS_SET_BITRATE(bps)); }
static inline int parley_opus_set_complexity(OpusEncoder *e, opus_int32 c) { return opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(c)); }
static inline int parley_opus_set_inband_fec(OpusEncoder *e, opus_int32 on) { return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(on)); }
static inline int parley_opus_set_packet_loss_perc(OpusEncoder *e, opus_int32 p) { return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(p)); }
static inline int parley_opus_set_dtx(OpusEncoder *e, opus_int32 on) { return opus_encoder_ctl(e, OPUS_SET_DTX(on)); }
/// `signal` is OPUS_AUTO, OPUS_SIGNAL_VOICE or OPUS_SIGNAL_MUSIC.
static inline int parley_opus_set_signal(OpusEncoder *e, opus_int32 signal) { return opus_encoder_ctl(e, OPUS_SET_SIGNAL(signal)); }
static inline int parley_opus_set_vbr(OpusEncoder *e, opus_int32 on) { return opus_encoder_ctl(e, OPUS_SET_VBR(on)); }
/// `bw` is OPUS_BANDWIDTH_NARROWBAND ... OPUS_BANDWIDTH_FULLBAND.
static inline int parley_opus_set_max_bandwidth(OpusEncoder *e, opus_int32 bw) { return opus_encoder_ctl(e, OPUS_SET_MAX_BANDWIDTH(bw)); }
static inline int parley_opus_set_force_channels(OpusEncoder *e, opus_int32 ch) { return opus_encoder_ctl(e, OPUS_SET_FORCE_CHANNELS(ch)); }
static inline int parley_opus_get_bitrate(OpusEncoder *e, opus_int32 *bps) { return opus_encoder_ctl(e, OPUS_GET_BITRATE(bps)); }
static inline int parley_opus_get_lookahead(OpusEncoder *e, opus_int32 *samples) { return opus_encoder_ctl(e, OPUS_GET_LOOKAHEAD(samples)); }
static inline int parley_opus_encoder_reset(OpusEncoder *e) { return opus_encoder_ctl(e, OPUS_RESET_STATE); }

static inline int parley_opus_decoder_reset(OpusDecoder *d) { return opus_decoder_ctl(d, OPUS_RESET_STATE); }
static inline int parley_opus_decoder_get_last_packet_duration(OpusDecoder *d, opus_int32 *samples) { return opus_decoder_ctl(d, OPUS_GET_LAST_PACKET_DURATION(samples)); }
static inline int parley_opus_decoder_set_gain(OpusDecoder *d, opus_int32 q8dB) { return opus_decoder_ctl(d, OPUS_SET_GAIN(q8dB)); }

#endif
