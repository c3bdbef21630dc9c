# Sourced by the bench scripts that run a Python peer: both sides on the BLAS kernels hpo picks
# for this CPU (lib/trainer/blas.h). Debian 12's OpenBLAS falls back to its SSE3 kernels on CPUs
# it does not know, and the peer's PyTorch calls the same OpenBLAS.
if [[ -z ${OPENBLAS_CORETYPE:-} ]]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  if [[ $flags =~ avx512f && $flags =~ avx512bw && $flags =~ avx512vl && $flags =~ avx512dq ]]; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif [[ $flags =~ avx2 && $flags =~ fma ]]; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
