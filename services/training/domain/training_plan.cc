#include "services/training/domain/training_plan.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/rpc/errors.h"
#include "common/util/text.h"

namespace steward::training {
namespace {

// Records a violation on `field` unless `value` is a known, set enum value.
void CheckEnum(rpc::FieldErrors& errors, absl::string_view field, int value,
               int max) {
  if (value == 0) {
    errors.Add(field, "required");
  } else if (value < 0 || value > max) {
    errors.Add(field, absl::StrCat("unknown value ", value));
  }
}

void CheckText(rpc::FieldErrors& errors, absl::string_view field,
               absl::string_view text, size_t min_chars, size_t max_chars) {
  const std::optional<size_t> length = Utf8Length(text);
  if (!length.has_value()) {
    errors.Add(field, "must be valid UTF-8");
  } else if (*length < min_chars) {
    errors.Add(field, "required");
  } else if (*length > max_chars) {
    errors.Add(field, absl::StrCat("at most ", max_chars, " characters"));
  }
}

}  // namespace

absl::Status ValidateDraft(const TrainingPlanDraft& draft) {
  rpc::FieldErrors errors;
  CheckEnum(errors, "training_plan.kind", static_cast<int>(draft.kind),
            kMaxTrainingKind);
  CheckEnum(errors, "training_plan.line", static_cast<int>(draft.line),
            kMaxLine);
  CheckText(errors, "training_plan.title", draft.title, 1, kMaxTitleChars);
  errors.Check(draft.start_time.has_value(), "training_plan.start_time",
               "required");
  errors.Check(draft.end_time.has_value(), "training_plan.end_time",
               "required");
  if (draft.start_time.has_value() && draft.end_time.has_value()) {
    const absl::Duration length = *draft.end_time - *draft.start_time;
    if (length <= absl::ZeroDuration()) {
      errors.Add("training_plan.end_time", "must be after start_time");
    } else if (length > kMaxPlanDuration) {
      errors.Add("training_plan.end_time",
                 absl::StrCat("a plan lasts at most ",
                              kMaxPlanDuration / absl::Hours(24),
                              " days after start_time"));
    }
  }
  errors.Check(draft.pass_score >= 0 && draft.pass_score <= kMaxPassScore,
               "training_plan.pass_score",
               absl::StrCat("must be 0..", kMaxPassScore, " (0 means ",
                            kDefaultPassScore, ")"));
  return errors.ToStatus();
}

int32_t EffectivePassScore(int32_t pass_score) {
  return pass_score == 0 ? kDefaultPassScore : pass_score;
}

}  // namespace steward::training
