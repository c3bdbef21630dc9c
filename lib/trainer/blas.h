// How the trainer's BLAS (OpenBLAS, through Debian's libblas alternative) runs: on how many
// threads, and with which CPU's kernels.
#pragma once

namespace hpo::trainer {

/// The threads OpenBLAS may split one GEMM over (it does above ~64^3 multiply-adds): `threads: 1`
/// must mean one core. Nothing to set when linked against another BLAS.
void SetBlasThreads(int threads);

/// Debian 12's OpenBLAS (0.3.21) does not know recent CPUs (Intel's model 207, Emerald Rapids,
/// on this project's machines) and falls back to its SSE3 kernels ("Prescott"), which made
/// SAC's gradient step 3.4x slower there (docs/benchmarks.md). It reads OPENBLAS_CORETYPE when
/// it loads, before main. So, when it fell back on a CPU with AVX-512 or AVX2 and
/// OPENBLAS_CORETYPE is unset, this runs the program again (execv of /proc/self/exe with the
/// same arguments) with OPENBLAS_CORETYPE naming the kernels the CPU can run. Returns when there
/// is nothing to do or the exec failed (the run goes on, slower).
void RerunWithFastBlasKernels(char** argv);

}  // namespace hpo::trainer
