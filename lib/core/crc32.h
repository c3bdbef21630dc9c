// CRC-32 (IEEE 802.3, zlib's and Python's binascii.crc32): Optuna's hyperband hashes
// "<study>_<trial number>" with it to give each trial its bracket, so hpo must hash the same way
// for a study to put its trials where Optuna would.
#pragma once

#include <cstdint>
#include <string_view>

namespace hpo {

/// binascii.crc32(bytes) for the bytes of `data`.
uint32_t Crc32(std::string_view data);

}  // namespace hpo
