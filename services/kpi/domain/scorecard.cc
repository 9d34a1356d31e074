#include "services/kpi/domain/scorecard.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"

namespace steward::kpi {
namespace {

bool IsSubjectIdChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' || c == '-';
}

bool InRange(absl::CivilMonth period) {
  return period >= kFirstPeriod && period <= kLastPeriod;
}

std::string RangeText() {
  return absl::StrCat("must be between ", FormatPeriod(kFirstPeriod), " and ",
                      FormatPeriod(kLastPeriod));
}

}  // namespace

absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view text,
                                             absl::string_view field) {
  // absl::ParseCivilTime alone is lenient (signs, one-digit months, spaces),
  // so the shape is checked first.
  bool shaped = text.size() == 7 && text[4] == '-';
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    shaped = shaped && absl::ascii_isdigit(text[i]);
  }
  absl::CivilMonth period;
  if (!shaped || !absl::ParseCivilTime(text, &period)) {
    return rpc::InvalidField(field, "must be a month written YYYY-MM");
  }
  if (!InRange(period)) return rpc::InvalidField(field, RangeText());
  // Within the range, formatting is canonical: a parse that does not read
  // back the same text did not parse a real month.
  if (FormatPeriod(period) != text) {
    return rpc::InvalidField(field, "must be a month written YYYY-MM");
  }
  return period;
}

std::string FormatPeriod(absl::CivilMonth period) {
  return absl::FormatCivilTime(period);
}

absl::CivilMonth MonthAt(absl::Time now, absl::TimeZone zone) {
  return absl::CivilMonth(absl::ToCivilSecond(now, zone));
}

absl::Status ValidateDraft(const ScorecardDraft& draft,
                           absl::CivilMonth current_month) {
  rpc::FieldErrors errors;
  const int subject_type = static_cast<int>(draft.subject_type);
  if (subject_type == 0) {
    errors.Add("scorecard.subject_type", "required");
  } else if (subject_type < 0 || subject_type > kMaxSubjectType) {
    errors.Add("scorecard.subject_type",
               absl::StrCat("unknown value ", subject_type));
  }
  if (draft.subject_id.empty()) {
    errors.Add("scorecard.subject_id", "required");
  } else if (draft.subject_id.size() > kMaxSubjectIdLength) {
    errors.Add("scorecard.subject_id",
               absl::StrCat("at most ", kMaxSubjectIdLength, " characters"));
  } else {
    bool allowed = true;
    for (char c : draft.subject_id) allowed = allowed && IsSubjectIdChar(c);
    errors.Check(allowed, "scorecard.subject_id",
                 "only [A-Za-z0-9_.:-] allowed");
  }
  if (!InRange(draft.period)) {
    errors.Add("scorecard.period", RangeText());
  } else if (draft.period > current_month) {
    errors.Add("scorecard.period",
               absl::StrCat("must not be after the current month ",
                            FormatPeriod(current_month)));
  }
  return errors.ToStatus();
}

}  // namespace steward::kpi
