// libFuzzer reads the counters in this section after every input, like the
// compiler's edge counters (compiler-rt FuzzerExtraCounters.cpp). System
// libraries such as OpenSSL are not instrumented, so targets that drive them
// describe what happened through parley_fuzz_feature.
#include "CFuzzFeatures.h"

#define PARLEY_FUZZ_FEATURES 8192

__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t parley_fuzz_counters[PARLEY_FUZZ_FEATURES];

void parley_fuzz_feature(uint32_t value) {
    uint8_t *counter = &parley_fuzz_counters[value % PARLEY_FUZZ_FEATURES];
    if (*counter < 255) (*counter)++;
}
