// "Did you mean ...?" for unknown keys and names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hpo {

/// Levenshtein distance (insertions, deletions, substitutions).
size_t EditDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` by edit distance (the first on ties); empty if none.
std::string ClosestWord(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace hpo
