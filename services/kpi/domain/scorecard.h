// Scorecards (绩效考核表): the entities and pure rules of the KPI service. A
// scorecard appraises one subject (staff, team, line, district or community)
// for one calendar month. No protobuf and no SQL here.
#ifndef STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_H_
#define STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace steward::kpi {

// Numbering matches the proto and the stored column values; never renumber.
enum class SubjectType {
  kStaff = 1,
  kTeam = 2,
  kLine = 3,
  kDistrict = 4,
  kCommunity = 5,
};
inline constexpr int kMaxSubjectType = 5;

// A month is computed (DRAFT), reviewed, possibly appealed, then locked.
enum class ScorecardState {
  kDraft = 1,
  kReviewed = 2,
  kAppealed = 3,
  kLocked = 4,
};
inline constexpr int kMaxScorecardState = 4;

// What a caller supplies to open a scorecard. `subject_type` may hold any
// int cast to the enum (e.g. from storage or a careless caller):
// ValidateDraft rejects values outside 1..kMaxSubjectType.
struct ScorecardDraft {
  std::string community;
  SubjectType subject_type = SubjectType::kStaff;
  std::string subject_id;
  absl::CivilMonth period;
};

struct Scorecard {
  int64_t id = 0;
  ScorecardDraft draft;
  ScorecardState state = ScorecardState::kDraft;
  // Weighted total, 0..100; 0 until the month is computed.
  double total_score = 0;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct ScorecardFilter {
  std::optional<absl::CivilMonth> period;
};

struct ScorecardPage {
  std::vector<Scorecard> scorecards;
  // Id to continue after, or 0 when this was the last page.
  int64_t next_after_id = 0;
};

// The months a scorecard may be opened for, inclusive.
inline constexpr absl::CivilMonth kFirstPeriod{2000, 1};
inline constexpr absl::CivilMonth kLastPeriod{2100, 12};
inline constexpr size_t kMaxSubjectIdLength = 64;

// Parses a period written "YYYY-MM" (exactly: four digits, '-', two digits)
// naming a real month between kFirstPeriod and kLastPeriod. Anything else
// (no zero padding, month 00 or 13, whitespace, out of range) is
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view text,
                                             absl::string_view field);

// "YYYY-MM"; the inverse of ParsePeriod for months in range.
std::string FormatPeriod(absl::CivilMonth period);

// The civil month `now` falls in, in `zone` (the community's time zone).
absl::CivilMonth MonthAt(absl::Time now, absl::TimeZone zone);

// Checks the content rules of a draft: subject_type is a known value,
// subject_id is 1..64 characters of [A-Za-z0-9_.:-], period lies within
// kFirstPeriod..kLastPeriod and not after `current_month` (a month cannot be
// appraised before it has begun). INVALID_ARGUMENT naming every offending
// field with field paths as the API spells them ("scorecard.period").
absl::Status ValidateDraft(const ScorecardDraft& draft,
                           absl::CivilMonth current_month);

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_H_
