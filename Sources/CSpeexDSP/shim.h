// Fixed-arity wrappers for speexdsp's preprocessor (Debian's libspeexdsp-dev):
// speex_preprocess_ctl takes a request macro and a void pointer, which Swift
// cannot type; each wrapper names one request and its argument type.
#ifndef PARLEY_CSPEEXDSP_SHIM_H
#define PARLEY_CSPEEXDSP_SHIM_H

#include <speex/speex_preprocess.h>

static inline int parley_speex_set_denoise(SpeexPreprocessState *st, int on) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on); }
/// Maximum attenuation of the noise, in dB (negative, e.g. -30).
static inline int parley_speex_set_noise_suppress(SpeexPreprocessState *st, int db) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &db); }
static inline int parley_speex_set_agc(SpeexPreprocessState *st, int on) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &on); }
/// The level AGC aims for, as a 16-bit sample magnitude (e.g. 8000).
static inline int parley_speex_set_agc_level(SpeexPreprocessState *st, float level) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC_LEVEL, &level); }
/// The most gain AGC may apply, in dB.
static inline int parley_speex_set_agc_max_gain(SpeexPreprocessState *st, int db) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC_MAX_GAIN, &db); }
static inline int parley_speex_set_agc_increment(SpeexPreprocessState *st, int db_per_second) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC_INCREMENT, &db_per_second); }
static inline int parley_speex_set_agc_decrement(SpeexPreprocessState *st, int db_per_second) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC_DECREMENT, &db_per_second); }
static inline int parley_speex_set_dereverb(SpeexPreprocessState *st, int on) { return speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DEREVERB, &on); }

#endif
