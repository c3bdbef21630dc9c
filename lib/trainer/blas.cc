#include "lib/trainer/blas.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

// Weak: absent when linked against another BLAS.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" char* openblas_get_corename() __attribute__((weak));

namespace hpo::trainer {
namespace {

// The kernels OpenBLAS would pick for this CPU if it knew it; null when it needs none better
// than what it has.
const char* BetterCoreType() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

}  // namespace

void SetBlasThreads(int threads) {
  if (openblas_set_num_threads != nullptr) openblas_set_num_threads(threads);
}

void RerunWithFastBlasKernels(char** argv) {
  if (openblas_get_corename == nullptr || std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  const char* core = openblas_get_corename();
  if (core == nullptr || std::strcmp(core, "Prescott") != 0) return;
  const char* better = BetterCoreType();
  if (better == nullptr) return;
  setenv("OPENBLAS_CORETYPE", better, 1);  // also guards against a second rerun
  execv("/proc/self/exe", argv);
}

}  // namespace hpo::trainer
