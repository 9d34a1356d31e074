// The personal data test suites seed, from the one list
// scripts/check-logs-pii.sh also reads
// (tests/support/seeded_personal_data.tsv): a test that seeds a value from here
// is sure the log check looks for it.
#ifndef STEWARD_TESTS_SUPPORT_SEEDED_PERSONAL_DATA_H_
#define STEWARD_TESTS_SUPPORT_SEEDED_PERSONAL_DATA_H_

#include <string>
#include <vector>

namespace steward::testing {

struct SeededPersonalData {
  // In file order, as written there (phones keep their separators).
  std::vector<std::string> phones, names, households, rooms;
};

// The list, read once. Fails the calling test (ADD_FAILURE) and returns
// empty lists when the file cannot be read or a line is malformed.
const SeededPersonalData& Seeded();

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_SEEDED_PERSONAL_DATA_H_
