# Sourced by the bench scripts that run a Python peer: both sides on the BLAS kernels hpo itself
# runs on (lib/trainer/blas.h). Debian 12's OpenBLAS falls back to its SSE3 kernels ("Prescott")
# on CPUs it does not know; hpo then reruns with OPENBLAS_CORETYPE naming the kernels the CPU
# can run, and the peer's PyTorch, which calls the same OpenBLAS, gets the same here.
if [[ -z ${OPENBLAS_CORETYPE:-} ]]; then
  core=$(/usr/bin/python3 -c 'import ctypes
name = ctypes.CDLL("libopenblas.so.0").openblas_get_corename
name.restype = ctypes.c_char_p
print(name().decode())' 2>/dev/null || true)
  flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
  if [[ $core == Prescott ]]; then
    if [[ $flags =~ avx512f && $flags =~ avx512bw && $flags =~ avx512vl && $flags =~ avx512dq ]]; then
      export OPENBLAS_CORETYPE=SkylakeX
    elif [[ $flags =~ avx2 && $flags =~ fma ]]; then
      export OPENBLAS_CORETYPE=Haswell
    fi
  fi
fi
