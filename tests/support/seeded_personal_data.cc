#include "tests/support/seeded_personal_data.h"

#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace steward::testing {
namespace {

SeededPersonalData Load() {
  SeededPersonalData data;
  const std::string path = std::string(STEWARD_TEST_SOURCE_DIR) +
                           "/tests/support/seeded_personal_data.tsv";
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return data;
  }
  std::string line;
  while (std::getline(in, line)) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    const std::vector<std::string> fields =
        absl::StrSplit(line, absl::MaxSplits('\t', 1));
    std::vector<std::string>* list =
        fields.size() != 2 || fields[1].empty() ? nullptr
        : fields[0] == "phone"                  ? &data.phones
        : fields[0] == "name"                   ? &data.names
        : fields[0] == "household"              ? &data.households
        : fields[0] == "room"                   ? &data.rooms
                                                : nullptr;
    if (list == nullptr) {
      ADD_FAILURE() << path << ": malformed line \"" << line << "\"";
      return SeededPersonalData{};
    }
    list->push_back(fields[1]);
  }
  return data;
}

}  // namespace

const SeededPersonalData& Seeded() {
  static const SeededPersonalData* data = new SeededPersonalData(Load());
  return *data;
}

}  // namespace steward::testing
