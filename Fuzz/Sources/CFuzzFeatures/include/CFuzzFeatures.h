#ifndef PARLEY_CFUZZFEATURES_H
#define PARLEY_CFUZZFEATURES_H

#include <stdint.h>

/// Reports an observed behaviour (a hash of what code outside the coverage
/// instrumentation did, e.g. which OpenSSL error or alert an input caused) to
/// libFuzzer as coverage: each value bumps one of libFuzzer's "extra
/// counters" (the `__libfuzzer_extra_counters` section, Linux), so an input
/// that makes an uninstrumented library behave in a new way joins the corpus.
void parley_fuzz_feature(uint32_t value);

#endif
